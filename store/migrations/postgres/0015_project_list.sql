-- The project list (store/projects.go, docs/PERFORMANCE.md):
-- 1. The colour filter reads a colour's projects that no exemption covers from the index
--    alone; it replaces project_colours_colour, whose lookups by colour it serves as well.
-- 2. Sorted by this year's completed, largest first, a large list reads the year's figures
--    in that order and stops after the page, instead of sorting every project.
DROP INDEX project_colours_colour;
CREATE INDEX project_colours_shown ON project_colours(colour, exempt, project_id);
CREATE INDEX project_years_completed ON project_years(year, completed DESC, project_id);

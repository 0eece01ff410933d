-- The items a user raised, for the item list's scope (itemScope reads "raised by me" as an
-- index read in a UNION instead of testing every item).
CREATE INDEX items_raised_by ON items(raised_by);

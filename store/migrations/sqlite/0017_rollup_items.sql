-- Demands and action items per subtree (issue 7's leftover): the dashboard counted a
-- subtree's demands by status and its overdue items from the items themselves — for the
-- province all 200,000 of them, twice per bulletin.
--
-- An item counts for a subtree when its own unit (items.unit_id) or one of its assigned
-- units (item_units) lies in it, and once however many do. Such counts do not add up
-- across units — an item assigned to two towns counts once in their district, not twice —
-- so these rollups are kept per ancestor: the row of a unit counts the distinct items of
-- its whole subtree, and unit_id 0 counts every item (a caller who sees every root). A
-- dashboard reads the one row set of its root.
--
-- They are exact at every commit, kept by the triggers below in the writing transaction
-- (no dirty marks: rebuilding an ancestor would mean counting its whole subtree again):
--   items: insert, delete, and a change of unit_id, kind, status or due move the item's
--     counts from its old rows to its new ones;
--   item_units: an assignment added or removed adds or removes the item under the
--     ancestors that only that unit brought;
--   units: a unit moved to another parent (MoveUnit, after it rewrote unit_closure)
--     recounts the ancestors that gained or lost its subtree, from the items.
-- ding check compares both tables with a count from the items (store/check.go).
--
-- rollup_items: items per (subtree, kind, status).
-- rollup_item_due: items with a due date (the current step's: NULL once nothing is due,
-- migration 0006) per (subtree, due, kind); "overdue on day D" is the sum of the rows due
-- before D — a few hundred rows for the province.
-- Rows that fall to zero are deleted.
CREATE TABLE rollup_items (
    unit_id INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    status  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, kind, status)
);

CREATE TABLE rollup_item_due (
    unit_id INTEGER NOT NULL,
    due     TEXT NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, due, kind)
);

-- (UPDATE, then INSERT … WHERE NOT EXISTS, not an upsert: like 0009, so that the
-- statement that fires a trigger cannot change its conflict handling.)

CREATE TRIGGER items_rollup_items_ins AFTER INSERT ON items BEGIN
    UPDATE rollup_items SET n = n + 1 WHERE kind = NEW.kind AND status = NEW.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id);
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT s.a, NEW.kind, NEW.status, 1 FROM (
            SELECT 0 AS a UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
            UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id) s
        WHERE NOT EXISTS (SELECT 1 FROM rollup_items r WHERE r.unit_id = s.a AND r.kind = NEW.kind AND r.status = NEW.status);
    UPDATE rollup_item_due SET n = n + 1 WHERE NEW.due IS NOT NULL AND due = NEW.due AND kind = NEW.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id);
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT s.a, NEW.due, NEW.kind, 1 FROM (
            SELECT 0 AS a UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
            UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id) s
        WHERE NEW.due IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollup_item_due r WHERE r.unit_id = s.a AND r.due = NEW.due AND r.kind = NEW.kind);
END;

CREATE TRIGGER items_rollup_items_del AFTER DELETE ON items BEGIN
    DELETE FROM rollup_items WHERE n = 1 AND kind = OLD.kind AND status = OLD.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_items SET n = n - 1 WHERE kind = OLD.kind AND status = OLD.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    DELETE FROM rollup_item_due WHERE n = 1 AND due = OLD.due AND kind = OLD.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_item_due SET n = n - 1 WHERE due = OLD.due AND kind = OLD.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
END;

-- A step changes status and due together; each table has its own trigger so that a
-- change of one leaves the other's rows alone.
CREATE TRIGGER items_rollup_items_upd AFTER UPDATE OF unit_id, kind, status ON items
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status BEGIN
    DELETE FROM rollup_items WHERE n = 1 AND kind = OLD.kind AND status = OLD.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_items SET n = n - 1 WHERE kind = OLD.kind AND status = OLD.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_items SET n = n + 1 WHERE kind = NEW.kind AND status = NEW.status AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id);
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT s.a, NEW.kind, NEW.status, 1 FROM (
            SELECT 0 AS a UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
            UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id) s
        WHERE NOT EXISTS (SELECT 1 FROM rollup_items r WHERE r.unit_id = s.a AND r.kind = NEW.kind AND r.status = NEW.status);
END;

CREATE TRIGGER items_rollup_due_upd AFTER UPDATE OF unit_id, kind, due ON items
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.kind IS NOT NEW.kind OR OLD.due IS NOT NEW.due BEGIN
    DELETE FROM rollup_item_due WHERE n = 1 AND due = OLD.due AND kind = OLD.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_item_due SET n = n - 1 WHERE due = OLD.due AND kind = OLD.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = OLD.id);
    UPDATE rollup_item_due SET n = n + 1 WHERE NEW.due IS NOT NULL AND due = NEW.due AND kind = NEW.kind AND unit_id IN (
        SELECT 0 UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
        UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id);
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT s.a, NEW.due, NEW.kind, 1 FROM (
            SELECT 0 AS a UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = NEW.unit_id
            UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id WHERE iu.item_id = NEW.id) s
        WHERE NEW.due IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollup_item_due r WHERE r.unit_id = s.a AND r.due = NEW.due AND r.kind = NEW.kind);
END;

-- An assignment added: the item now counts under the ancestors of the unit that neither
-- its own unit nor its other assigned units had.
CREATE TRIGGER item_units_rollup_items_ins AFTER INSERT ON item_units
WHEN EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id) BEGIN
    UPDATE rollup_items SET n = n + 1
        WHERE kind = (SELECT kind FROM items WHERE id = NEW.item_id) AND status = (SELECT status FROM items WHERE id = NEW.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id));
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT s.a, i.kind, i.status, 1 FROM (
            SELECT c.ancestor_id AS a FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)) s
        JOIN items i ON i.id = NEW.item_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_items r WHERE r.unit_id = s.a AND r.kind = i.kind AND r.status = i.status);
    UPDATE rollup_item_due SET n = n + 1
        WHERE due = (SELECT due FROM items WHERE id = NEW.item_id) AND kind = (SELECT kind FROM items WHERE id = NEW.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id));
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT s.a, i.due, i.kind, 1 FROM (
            SELECT c.ancestor_id AS a FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)) s
        JOIN items i ON i.id = NEW.item_id
        WHERE i.due IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollup_item_due r WHERE r.unit_id = s.a AND r.due = i.due AND r.kind = i.kind);
END;

-- An assignment removed: the item leaves the ancestors that only that unit brought.
CREATE TRIGGER item_units_rollup_items_del AFTER DELETE ON item_units
WHEN EXISTS (SELECT 1 FROM items WHERE id = OLD.item_id) BEGIN
    DELETE FROM rollup_items WHERE n = 1
        AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND status = (SELECT status FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    UPDATE rollup_items SET n = n - 1
        WHERE kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND status = (SELECT status FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    DELETE FROM rollup_item_due WHERE n = 1
        AND due = (SELECT due FROM items WHERE id = OLD.item_id) AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    UPDATE rollup_item_due SET n = n - 1
        WHERE due = (SELECT due FROM items WHERE id = OLD.item_id) AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
END;

-- An assignment changed in place (ding never does; a hand-made change might): the old
-- unit removed from the old item, then the new unit added to the new one — for one item
-- not counting it again under the ancestors it had through the old unit.
CREATE TRIGGER item_units_rollup_items_upd AFTER UPDATE OF item_id, unit_id ON item_units
WHEN OLD.item_id IS NOT NEW.item_id OR OLD.unit_id IS NOT NEW.unit_id BEGIN
    DELETE FROM rollup_items WHERE n = 1
        AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND status = (SELECT status FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    UPDATE rollup_items SET n = n - 1
        WHERE kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND status = (SELECT status FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    DELETE FROM rollup_item_due WHERE n = 1
        AND due = (SELECT due FROM items WHERE id = OLD.item_id) AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    UPDATE rollup_item_due SET n = n - 1
        WHERE due = (SELECT due FROM items WHERE id = OLD.item_id) AND kind = (SELECT kind FROM items WHERE id = OLD.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = OLD.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = OLD.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = OLD.item_id));
    UPDATE rollup_items SET n = n + 1
        WHERE kind = (SELECT kind FROM items WHERE id = NEW.item_id) AND status = (SELECT status FROM items WHERE id = NEW.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)
                AND NOT (OLD.item_id = NEW.item_id AND c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id)));
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT s.a, i.kind, i.status, 1 FROM (
            SELECT c.ancestor_id AS a FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)
                AND NOT (OLD.item_id = NEW.item_id AND c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id))) s
        JOIN items i ON i.id = NEW.item_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_items r WHERE r.unit_id = s.a AND r.kind = i.kind AND r.status = i.status);
    UPDATE rollup_item_due SET n = n + 1
        WHERE due = (SELECT due FROM items WHERE id = NEW.item_id) AND kind = (SELECT kind FROM items WHERE id = NEW.item_id) AND unit_id IN (
            SELECT c.ancestor_id FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)
                AND NOT (OLD.item_id = NEW.item_id AND c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id)));
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT s.a, i.due, i.kind, 1 FROM (
            SELECT c.ancestor_id AS a FROM unit_closure c WHERE c.descendant_id = NEW.unit_id
                AND c.ancestor_id NOT IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = (SELECT unit_id FROM items WHERE id = NEW.item_id))
                AND c.ancestor_id NOT IN (SELECT c2.ancestor_id FROM item_units iu JOIN unit_closure c2 ON c2.descendant_id = iu.unit_id
                    WHERE iu.item_id = NEW.item_id AND iu.unit_id <> NEW.unit_id)
                AND NOT (OLD.item_id = NEW.item_id AND c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id = OLD.unit_id))) s
        JOIN items i ON i.id = NEW.item_id
        WHERE i.due IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollup_item_due r WHERE r.unit_id = s.a AND r.due = i.due AND r.kind = i.kind);
END;

-- A unit moved: the ancestors of exactly one of its old and new parents gained or lost its
-- subtree (those of both keep it); they are counted again from the items, through the
-- closure as MoveUnit left it (it rewrites unit_closure before it sets parent_id).
CREATE TRIGGER units_rollup_items_move AFTER UPDATE OF parent_id ON units
WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN
    DELETE FROM rollup_items WHERE unit_id IN (
        SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1);
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT m.a, i.kind, i.status, COUNT(*) FROM (
            SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id
                WHERE c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1)
            UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id
                WHERE c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1)) m
        JOIN items i ON i.id = m.item
        GROUP BY m.a, i.kind, i.status;
    DELETE FROM rollup_item_due WHERE unit_id IN (
        SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1);
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT m.a, i.due, i.kind, COUNT(*) FROM (
            SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id
                WHERE c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1)
            UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id
                WHERE c.ancestor_id IN (SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id) GROUP BY ancestor_id HAVING COUNT(*) = 1)) m
        JOIN items i ON i.id = m.item
        WHERE i.due IS NOT NULL
        GROUP BY m.a, i.due, i.kind;
END;

-- The items already there.
INSERT INTO rollup_items (unit_id, kind, status, n)
    SELECT m.a, i.kind, i.status, COUNT(*) FROM (
        SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id
        UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id
        UNION SELECT 0, id FROM items) m
    JOIN items i ON i.id = m.item
    GROUP BY m.a, i.kind, i.status;
INSERT INTO rollup_item_due (unit_id, due, kind, n)
    SELECT m.a, i.due, i.kind, COUNT(*) FROM (
        SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id
        UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id
        UNION SELECT 0, id FROM items) m
    JOIN items i ON i.id = m.item
    WHERE i.due IS NOT NULL
    GROUP BY m.a, i.due, i.kind;

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
    unit_id BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    status  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, kind, status)
);

CREATE TABLE rollup_item_due (
    unit_id BIGINT NOT NULL,
    due     DATE NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, due, kind)
);

-- The triggers on items and item_units are statement-level, with the statement's rows as
-- transition tables: a COPY of 10,000 items (ding gen) or an item's whole assignment
-- replaced (DELETE, then INSERTs) is one set-based pass, not a function call per row.
-- Their functions run with fixed plans: nested loops over the indexes (every lookup is by
-- an item's id or a unit's closure), no JIT. Their statements run on tables that may have
-- no statistics yet (a bulk load in one transaction) and with transition tables of any
-- size; left to the planner, a COPY of 10,000 assignments into fresh tables hashed all of
-- unit_closure once per item (37 s a statement), and JIT compiled a 5,000-row trigger for
-- 3.4 s where running it took 45 ms.

-- The subtrees an item counts in: 0, and every ancestor of its own unit and of its
-- assigned units — those of item_units now, without the units in minus and with the
-- units in plus (its assignments before the statement that changed them).
CREATE FUNCTION rollup_item_scope(item BIGINT, own BIGINT, minus BIGINT[], plus BIGINT[]) RETURNS SETOF BIGINT
LANGUAGE sql STABLE AS $$
    SELECT 0::BIGINT
    UNION SELECT ancestor_id FROM unit_closure WHERE descendant_id = ANY(array_prepend(own, plus))
    UNION SELECT c.ancestor_id FROM item_units iu JOIN unit_closure c ON c.descendant_id = iu.unit_id
        WHERE iu.item_id = item AND NOT (iu.unit_id = ANY(COALESCE(minus, '{}')))
$$;

-- Adds the changes d (+1, -1) of the rows (subtree a, kind k, status s, due du) given as
-- parallel arrays: summed per row and applied in key order — the rows of the root and of 0
-- are shared by every item, and transactions that take their row locks in one order
-- cannot deadlock on them — then the rows that fell to zero are deleted.
CREATE FUNCTION rollup_items_add(a BIGINT[], k TEXT[], s TEXT[], du DATE[], d INTEGER[]) RETURNS void LANGUAGE plpgsql SET jit = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    za BIGINT[];
    zk TEXT[];
    zs TEXT[];
    zd DATE[];
BEGIN
    IF a IS NULL THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO rollup_items AS r (unit_id, kind, status, n)
            SELECT x.a, x.k, x.s, SUM(x.d) FROM unnest(a, k, s, d) AS x(a, k, s, d)
            GROUP BY x.a, x.k, x.s HAVING SUM(x.d) <> 0 ORDER BY x.a, x.k, x.s
            ON CONFLICT (unit_id, kind, status) DO UPDATE SET n = r.n + excluded.n
            RETURNING r.unit_id, r.kind, r.status, r.n)
    SELECT array_agg(up.unit_id), array_agg(up.kind), array_agg(up.status) INTO za, zk, zs FROM up WHERE up.n = 0;
    IF za IS NOT NULL THEN
        DELETE FROM rollup_items r USING unnest(za, zk, zs) AS z(a, k, s)
            WHERE r.unit_id = z.a AND r.kind = z.k AND r.status = z.s AND r.n = 0;
    END IF;
    WITH up AS (
        INSERT INTO rollup_item_due AS r (unit_id, due, kind, n)
            SELECT x.a, x.du, x.k, SUM(x.d) FROM unnest(a, du, k, d) AS x(a, du, k, d) WHERE x.du IS NOT NULL
            GROUP BY x.a, x.du, x.k HAVING SUM(x.d) <> 0 ORDER BY x.a, x.du, x.k
            ON CONFLICT (unit_id, due, kind) DO UPDATE SET n = r.n + excluded.n
            RETURNING r.unit_id, r.due, r.kind, r.n)
    SELECT array_agg(up.unit_id), array_agg(up.due), array_agg(up.kind) INTO za, zd, zk FROM up WHERE up.n = 0;
    IF za IS NOT NULL THEN
        DELETE FROM rollup_item_due r USING unnest(za, zd, zk) AS z(a, du, k)
            WHERE r.unit_id = z.a AND r.due = z.du AND r.kind = z.k AND r.n = 0;
    END IF;
END $$;

-- Items inserted count +1 under their subtrees, deleted ones -1; an update moves an item's
-- counts when its unit, kind, status or due changed (ids never change).
CREATE FUNCTION rollup_items_item() RETURNS trigger LANGUAGE plpgsql SET jit = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    a BIGINT[];
    k TEXT[];
    s TEXT[];
    du DATE[];
    d INTEGER[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(sc.a), array_agg(i.kind), array_agg(i.status), array_agg(i.due), array_agg(1) INTO a, k, s, du, d
            FROM new_rows i CROSS JOIN LATERAL rollup_item_scope(i.id, i.unit_id, NULL, NULL) sc(a);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(sc.a), array_agg(i.kind), array_agg(i.status), array_agg(i.due), array_agg(-1) INTO a, k, s, du, d
            FROM old_rows i CROSS JOIN LATERAL rollup_item_scope(i.id, i.unit_id, NULL, NULL) sc(a);
    ELSE
        -- The states that changed: the old ones no new row repeats, and the reverse (set
        -- differences, not a join of the two transition tables).
        SELECT array_agg(sc.a), array_agg(x.kind), array_agg(x.status), array_agg(x.due), array_agg(x.d) INTO a, k, s, du, d
            FROM (SELECT y.*, -1 AS d FROM (SELECT id, unit_id, kind, status, due FROM old_rows
                    EXCEPT ALL SELECT id, unit_id, kind, status, due FROM new_rows) y
                UNION ALL
                SELECT y.*, 1 FROM (SELECT id, unit_id, kind, status, due FROM new_rows
                    EXCEPT ALL SELECT id, unit_id, kind, status, due FROM old_rows) y) x
            CROSS JOIN LATERAL rollup_item_scope(x.id, x.unit_id, NULL, NULL) sc(a);
    END IF;
    PERFORM rollup_items_add(a, k, s, du, d);
    RETURN NULL;
END $$;

CREATE TRIGGER items_rollup_items_ins AFTER INSERT ON items REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_item();
CREATE TRIGGER items_rollup_items_upd AFTER UPDATE ON items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_item();
CREATE TRIGGER items_rollup_items_del AFTER DELETE ON items REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_item();

-- Assignments added (n_items, n_units) and removed (o_items, o_units) by one statement:
-- each item they touch moves from the subtrees of its units before (the current ones
-- without those added, with those removed) to those of its units now. The items' rows are
-- locked first, in id order, so that a step changing an item's status at the same time is
-- seen whole: either it committed before and its status is read here, or it waits for
-- this transaction and reads these assignments.
CREATE FUNCTION rollup_items_regroup(n_items BIGINT[], n_units BIGINT[], o_items BIGINT[], o_units BIGINT[]) RETURNS void LANGUAGE plpgsql SET jit = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    a BIGINT[];
    k TEXT[];
    s TEXT[];
    du DATE[];
    d INTEGER[];
BEGIN
    PERFORM 1 FROM items WHERE id = ANY(n_items || o_items) ORDER BY id FOR NO KEY UPDATE;
    SELECT array_agg(sc.a), array_agg(i.kind), array_agg(i.status), array_agg(i.due), array_agg(sc.d) INTO a, k, s, du, d
        FROM (SELECT x.it, array_agg(x.u) FILTER (WHERE x.side > 0) AS added, array_agg(x.u) FILTER (WHERE x.side < 0) AS removed
                FROM (SELECT y.it, y.u, 1 AS side FROM unnest(n_items, n_units) AS y(it, u)
                    UNION ALL SELECT y.it, y.u, -1 FROM unnest(o_items, o_units) AS y(it, u)) x
                GROUP BY x.it) g
        JOIN items i ON i.id = g.it
        CROSS JOIN LATERAL (
            SELECT b.a, -1 AS d FROM rollup_item_scope(i.id, i.unit_id, g.added, g.removed) b(a)
            UNION ALL SELECT f.a, 1 FROM rollup_item_scope(i.id, i.unit_id, NULL, NULL) f(a)) sc;
    PERFORM rollup_items_add(a, k, s, du, d);
END $$;

CREATE FUNCTION rollup_items_assignment() RETURNS trigger LANGUAGE plpgsql SET jit = off SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    ni BIGINT[];
    nu BIGINT[];
    oi BIGINT[];
    ou BIGINT[];
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT array_agg(item_id), array_agg(unit_id) INTO ni, nu FROM new_rows;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT array_agg(item_id), array_agg(unit_id) INTO oi, ou FROM old_rows;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Only the rows whose item or unit changed (a report written is no change).
        SELECT array_agg(x.item_id), array_agg(x.unit_id) INTO ni, nu FROM (
            SELECT item_id, unit_id FROM new_rows EXCEPT SELECT item_id, unit_id FROM old_rows) x;
        SELECT array_agg(x.item_id), array_agg(x.unit_id) INTO oi, ou FROM (
            SELECT item_id, unit_id FROM old_rows EXCEPT SELECT item_id, unit_id FROM new_rows) x;
    END IF;
    IF ni IS NOT NULL OR oi IS NOT NULL THEN
        PERFORM rollup_items_regroup(ni, nu, oi, ou);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER item_units_rollup_items_ins AFTER INSERT ON item_units REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_assignment();
CREATE TRIGGER item_units_rollup_items_upd AFTER UPDATE ON item_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_assignment();
CREATE TRIGGER item_units_rollup_items_del AFTER DELETE ON item_units REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION rollup_items_assignment();

-- A unit moved: the ancestors of exactly one of its old and new parents gained or lost its
-- subtree (those of both keep it); they are counted again from the items, through the
-- closure as MoveUnit left it (it rewrites unit_closure before it sets parent_id). Writes
-- to items and item_units wait meanwhile (and in-flight ones are waited for): their
-- triggers read the closure, and must read either the old one before this count or the
-- new one after it.
CREATE FUNCTION rollup_items_move() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    changed BIGINT[];
BEGIN
    LOCK TABLE items, item_units IN SHARE MODE;
    changed := ARRAY(SELECT ancestor_id FROM unit_closure WHERE descendant_id IN (OLD.parent_id, NEW.parent_id)
        GROUP BY ancestor_id HAVING COUNT(*) = 1);
    DELETE FROM rollup_items WHERE unit_id = ANY(changed);
    INSERT INTO rollup_items (unit_id, kind, status, n)
        SELECT m.a, i.kind, i.status, COUNT(*) FROM (
            SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id WHERE c.ancestor_id = ANY(changed)
            UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id WHERE c.ancestor_id = ANY(changed)) m
        JOIN items i ON i.id = m.item
        GROUP BY m.a, i.kind, i.status;
    DELETE FROM rollup_item_due WHERE unit_id = ANY(changed);
    INSERT INTO rollup_item_due (unit_id, due, kind, n)
        SELECT m.a, i.due, i.kind, COUNT(*) FROM (
            SELECT c.ancestor_id AS a, x.id AS item FROM unit_closure c JOIN items x ON x.unit_id = c.descendant_id WHERE c.ancestor_id = ANY(changed)
            UNION SELECT c.ancestor_id, iu.item_id FROM unit_closure c JOIN item_units iu ON iu.unit_id = c.descendant_id WHERE c.ancestor_id = ANY(changed)) m
        JOIN items i ON i.id = m.item
        WHERE i.due IS NOT NULL
        GROUP BY m.a, i.due, i.kind;
    RETURN NULL;
END $$;

CREATE TRIGGER units_rollup_items_move AFTER UPDATE OF parent_id ON units
FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
EXECUTE FUNCTION rollup_items_move();

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

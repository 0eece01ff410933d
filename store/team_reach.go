package store

import "context"

// team_reach (migration 0016) lists, for each project, the units whose subtree holds a unit
// of its team (project_units) but not its lead unit. A unit tree's scope (projectScope) is
// the projects its units lead, plus those team_reach lists under its root, plus those its
// user leads; so the board reads the rollups of the lead units and adds the few others by
// one probe of team_reach, instead of testing every project of the subtree. Triggers on
// project_units, on a project's lead unit and on unit_closure (a unit moved) mark the
// project in team_reach_dirty; refreshTeamReach rebuilds the marked projects before a read.

// teamReachChunk is how many marked projects one transaction rebuilds.
const teamReachChunk = 2000

// teamReachSource is the SELECT of team_reach's rows (unit_id, project_id), of the projects
// matched by cond on pu.project_id. (The lead unit's own row adds none: every unit above it
// is above the lead unit.)
func teamReachSource(cond string) string {
	return `SELECT DISTINCT c.ancestor_id, pu.project_id FROM project_units pu
		JOIN projects p ON p.id = pu.project_id JOIN unit_closure c ON c.descendant_id = pu.unit_id
		WHERE ` + cond + ` AND pu.unit_id <> p.unit_id
		AND NOT EXISTS (SELECT 1 FROM unit_closure l WHERE l.ancestor_id = c.ancestor_id AND l.descendant_id = p.unit_id)`
}

// refreshTeamReach rebuilds team_reach for the marked projects: each chunk takes its marks
// (DELETE … RETURNING) and rebuilds from the teams as they are now, so a write that commits
// meanwhile marks its project again. Cheap when nothing changed: one indexed read.
func (db *DB) refreshTeamReach(ctx context.Context) error {
	ids, err := int64s(ctx, db.reader(), `SELECT project_id FROM team_reach_dirty ORDER BY project_id`)
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		c := ids[:min(len(ids), teamReachChunk)]
		ids = ids[len(c):]
		if err := db.rebuildTeamReach(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) rebuildTeamReach(ctx context.Context, ids []int64) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `DELETE FROM team_reach_dirty WHERE project_id IN (`+idList(ids)+`) RETURNING project_id`)
	if err != nil {
		return db.mapErr(err)
	}
	var got []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return db.mapErr(err)
		}
		got = append(got, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.mapErr(err)
	}
	if len(got) == 0 {
		return nil // another reader rebuilt them
	}
	in := "(" + idList(got) + ")"
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_reach WHERE project_id IN `+in); err != nil {
		return db.mapErr(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO team_reach (unit_id, project_id) `+teamReachSource(`pu.project_id IN `+in)); err != nil {
		return db.mapErr(err)
	}
	return db.mapErr(tx.Commit())
}

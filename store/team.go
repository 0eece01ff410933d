package store

import (
	"context"
	"database/sql"
	"errors"

	"ding"
)

// officeProject loads a project whose team only administrators and the project office
// (within scope) may change.
func officeProject(tx *Tx, id int64) (*ding.Project, error) {
	p, err := findProjectByID(tx.ctx, tx.reader, tx.actor, id, tx.db.year(tx.ctx, 0))
	if err != nil {
		return nil, err
	}
	if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return nil, ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return p, nil
}

// FindTeam returns a project's 1+1+N team: the lead unit first, then the cooperating units.
func (db *DB) FindTeam(ctx context.Context, projectID int64) ([]*ding.TeamMember, error) {
	if _, err := db.FindProjectByID(ctx, projectID); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT pu.project_id, pu.unit_id, un.name, pu.role, pu.contact_name, pu.contact_phone, pu.duty
		FROM project_units pu JOIN units un ON un.id = pu.unit_id
		WHERE pu.project_id = ? ORDER BY CASE pu.role WHEN 'lead' THEN 0 ELSE 1 END, un.depth, un.sort_order, un.id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.TeamMember
	for rows.Next() {
		m := &ding.TeamMember{}
		if err := rows.Scan(&m.ProjectID, &m.UnitID, &m.UnitName, &m.Role, &m.ContactName, &m.ContactPhone, &m.Duty); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, m)
	}
	return out, db.mapErr(rows.Err())
}

// SaveTeamMember adds a cooperating unit to a project's team, or updates a member's
// contact and duty (the lead unit's too). The lead unit itself changes with the project.
func (db *DB) SaveTeamMember(ctx context.Context, m *ding.TeamMember) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := officeProject(tx, m.ProjectID); err != nil {
		return err
	}
	if m.Role == "" {
		m.Role = ding.TeamCoop
	}
	if err := m.Validate(); err != nil {
		return err
	}
	unit, err := findUnitByID(tx.ctx, tx.reader, ding.SystemActor("team"), m.UnitID)
	if err != nil || unit.Disabled {
		return ding.FieldError("unit_id", "team.unit_invalid")
	}
	m.UnitName = unit.Name
	var role string
	err = tx.queryRow(tx.ctx, `SELECT role FROM project_units WHERE project_id = ? AND unit_id = ?`, m.ProjectID, m.UnitID).Scan(&role)
	switch {
	case err == nil:
		m.Role = ding.TeamRole(role)
		if _, err := tx.exec(`UPDATE project_units SET contact_name = ?, contact_phone = ?, duty = ? WHERE project_id = ? AND unit_id = ?`,
			m.ContactName, m.ContactPhone, m.Duty, m.ProjectID, m.UnitID); err != nil {
			return err
		}
		if err := tx.audit("project_team", m.ProjectID, "update", nil, m); err != nil {
			return err
		}
	case errors.Is(err, sql.ErrNoRows):
		if m.Role == ding.TeamLead {
			return ding.FieldError("role", "team.lead_via_project")
		}
		if _, err := tx.exec(`INSERT INTO project_units (project_id, unit_id, role, contact_name, contact_phone, duty) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ProjectID, m.UnitID, string(ding.TeamCoop), m.ContactName, m.ContactPhone, m.Duty); err != nil {
			return err
		}
		if err := tx.audit("project_team", m.ProjectID, "add", nil, m); err != nil {
			return err
		}
	default:
		return db.mapErr(err)
	}
	return tx.commit()
}

// RemoveTeamMember takes a cooperating unit off a project's team.
func (db *DB) RemoveTeamMember(ctx context.Context, projectID, unitID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := officeProject(tx, projectID); err != nil {
		return err
	}
	res, err := tx.exec(`DELETE FROM project_units WHERE project_id = ? AND unit_id = ? AND role = ?`, projectID, unitID, string(ding.TeamCoop))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("team member")
	}
	if err := tx.audit("project_team", projectID, "remove", map[string]int64{"unit_id": unitID}, nil); err != nil {
		return err
	}
	return tx.commit()
}

// FindMilestones returns a project's milestones in order.
func (db *DB) FindMilestones(ctx context.Context, projectID int64) ([]*ding.Milestone, error) {
	if _, err := db.FindProjectByID(ctx, projectID); err != nil {
		return nil, err
	}
	rows, err := db.reader().query(ctx, `SELECT id, project_id, name, stage, planned_on, actual_on, sort_order
		FROM project_milestones WHERE project_id = ? ORDER BY sort_order, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ding.Milestone
	for rows.Next() {
		m := &ding.Milestone{}
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.Name, &m.Stage, dateScan{&m.PlannedOn}, dateScan{&m.ActualOn}, &m.SortOrder); err != nil {
			return nil, db.mapErr(err)
		}
		out = append(out, m)
	}
	return out, db.mapErr(rows.Err())
}

// SaveMilestone creates (ID 0) or updates a milestone of a project the caller may edit.
func (db *DB) SaveMilestone(ctx context.Context, m *ding.Milestone) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if _, err := writableProject(tx, m.ProjectID); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if m.ID == 0 {
		id, err := tx.insert(`INSERT INTO project_milestones (project_id, name, stage, planned_on, actual_on, sort_order) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ProjectID, m.Name, string(m.Stage), dateArg(m.PlannedOn), dateArg(m.ActualOn), m.SortOrder)
		if err != nil {
			return err
		}
		m.ID = id
		if err := tx.audit("milestone", id, "create", nil, m); err != nil {
			return err
		}
		if err := reevaluate(tx, m.ProjectID); err != nil {
			return err
		}
		return tx.commit()
	}
	res, err := tx.exec(`UPDATE project_milestones SET name = ?, stage = ?, planned_on = ?, actual_on = ?, sort_order = ? WHERE id = ? AND project_id = ?`,
		m.Name, string(m.Stage), dateArg(m.PlannedOn), dateArg(m.ActualOn), m.SortOrder, m.ID, m.ProjectID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("milestone")
	}
	if err := tx.audit("milestone", m.ID, "update", nil, m); err != nil {
		return err
	}
	if err := reevaluate(tx, m.ProjectID); err != nil {
		return err
	}
	return tx.commit()
}

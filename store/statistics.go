package store

import (
	"context"
	"database/sql"

	"ding"
)

// YearStats is the year a unit's subtree reports upward: month by month, this year and
// the same months of last year, summed from the rollups (projects under their lead unit).
type YearStats struct {
	UnitID   int64        `json:"unit_id"`
	UnitName string       `json:"unit_name"`
	Year     int          `json:"year"`
	Plan     int64        `json:"plan"`      // this year's annual plans
	PlanLast int64        `json:"plan_last"` // last year's
	Months   [12]MonthRow `json:"months"`    // this year, January first
	Last     [12]MonthRow `json:"last"`      // last year
}

// MonthRow is one month's figures (not cumulative).
type MonthRow struct {
	Completed     int64 `json:"completed"`
	Manufacturing int64 `json:"manufacturing"`
	HighTech      int64 `json:"high_tech"`
	Private       int64 `json:"private"`
	Signed1       int64 `json:"signed1"`
	Signed10      int64 `json:"signed10"`
	Signed100     int64 `json:"signed100"`
	Started       int64 `json:"started"`
	InStats       int64 `json:"in_stats"`
	SignedInStats int64 `json:"signed_in_stats"`
}

// Add sums another row into r.
func (r *MonthRow) Add(o MonthRow) {
	r.Completed += o.Completed
	r.Manufacturing += o.Manufacturing
	r.HighTech += o.HighTech
	r.Private += o.Private
	r.Signed1 += o.Signed1
	r.Signed10 += o.Signed10
	r.Signed100 += o.Signed100
	r.Started += o.Started
	r.InStats += o.InStats
	r.SignedInStats += o.SignedInStats
}

// ToMonth is the year to the end of month m (1–12).
func (s *YearStats) ToMonth(rows [12]MonthRow, m int) MonthRow {
	var t MonthRow
	for i := 0; i < m && i < 12; i++ {
		t.Add(rows[i])
	}
	return t
}

// YearStatistics returns a unit's subtree's year (0: the caller's unit).
func (db *DB) YearStatistics(ctx context.Context, unitID int64, year int) (*YearStats, error) {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if year < 2000 || year > 2100 {
		return nil, ding.FieldError("year", "target.year_invalid")
	}
	if unitID == 0 {
		unitID = a.UnitID
	}
	r := db.reader()
	u, err := findUnitByID(ctx, r, a, unitID)
	if err != nil {
		return nil, err
	}
	if err := db.refreshRollupsUnder(ctx, []any{u.ID}); err != nil { // the subtree these figures read
		return nil, err
	}
	s := &YearStats{UnitID: u.ID, UnitName: u.Name, Year: year}
	sub := `unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)`
	if err := scanRows(ctx, r, `SELECT year, month, SUM(completed), SUM(manufacturing), SUM(high_tech), SUM(private), SUM(signed1), SUM(signed10),
		SUM(signed100), SUM(started), SUM(in_stats), SUM(signed_in_stats) FROM rollup_months WHERE `+sub+` AND year IN (?, ?) GROUP BY year, month`,
		[]any{u.ID, year - 1, year}, func(rows *sql.Rows) error {
			var y, m int
			var x MonthRow
			if err := rows.Scan(&y, &m, &x.Completed, &x.Manufacturing, &x.HighTech, &x.Private, &x.Signed1, &x.Signed10, &x.Signed100,
				&x.Started, &x.InStats, &x.SignedInStats); err != nil {
				return err
			}
			if m < 1 || m > 12 {
				return nil
			}
			if y == year {
				s.Months[m-1] = x
			} else {
				s.Last[m-1] = x
			}
			return nil
		}); err != nil {
		return nil, err
	}
	if err := scanRows(ctx, r, `SELECT year, SUM(plan) FROM rollup_years WHERE `+sub+` AND year IN (?, ?) GROUP BY year`, []any{u.ID, year - 1, year},
		func(rows *sql.Rows) error {
			var y int
			var p int64
			if err := rows.Scan(&y, &p); err != nil {
				return err
			}
			if y == year {
				s.Plan = p
			} else {
				s.PlanLast = p
			}
			return nil
		}); err != nil {
		return nil, err
	}
	return s, nil
}

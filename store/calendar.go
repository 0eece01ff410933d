package store

import (
	"context"
	"database/sql"
	"errors"

	"ding"
	"ding/calendar"
)

// The working-day calendar (calendar_days): the State Council's arrangements, seeded for
// 2023–2026 by migration 0006 and kept by the administrator. Service clocks count in it.

// Calendar returns the working-day calendar.
func (db *DB) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	days, err := calendarDays(ctx, db.reader(), 0)
	if err != nil {
		return nil, err
	}
	return calendar.New(days), nil
}

// CalendarDays returns the listed days of a year (0: all), in date order.
func (db *DB) CalendarDays(ctx context.Context, year int) ([]calendar.Day, error) {
	if ding.ActorFrom(ctx) == nil {
		return nil, ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	return calendarDays(ctx, db.reader(), year)
}

func calendarDays(ctx context.Context, r reader, year int) ([]calendar.Day, error) {
	q := `SELECT day, kind, name FROM calendar_days`
	var args []any
	if year > 0 {
		q += ` WHERE day BETWEEN ? AND ?`
		args = append(args, dateArg(ding.Date{Year: year, Month: 1, Day: 1}), dateArg(ding.Date{Year: year, Month: 12, Day: 31}))
	}
	rows, err := r.query(ctx, q+` ORDER BY day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []calendar.Day
	for rows.Next() {
		var d calendar.Day
		if err := rows.Scan(dateScan{&d.Date}, &d.Kind, &d.Name); err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, d)
	}
	return out, r.db.mapErr(rows.Err())
}

// txCalendar reads the calendar inside a transaction.
func txCalendar(tx *Tx) (*calendar.Calendar, error) {
	days, err := calendarDays(tx.ctx, tx.reader, 0)
	if err != nil {
		return nil, err
	}
	return calendar.New(days), nil
}

func canKeepCalendar(a *ding.Actor) error {
	if a == nil {
		return ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !(a.System || a.Role == ding.RoleAdmin) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

// SaveCalendarDays lists days (replacing what a date had) in one transaction: all or
// nothing. Administrators; audited as one event.
func (db *DB) SaveCalendarDays(ctx context.Context, days []calendar.Day) error {
	if err := canKeepCalendar(ding.ActorFrom(ctx)); err != nil {
		return err
	}
	if len(days) == 0 {
		return ding.FieldError("days", "calendar.empty")
	}
	seen := map[ding.Date]bool{}
	for i := range days {
		if err := days[i].Validate(); err != nil {
			return err
		}
		if seen[days[i].Date] {
			return ding.FieldError("date", "calendar.date_twice", days[i].Date.String(), 0)
		}
		seen[days[i].Date] = true
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	for _, d := range days {
		if _, err := tx.exec(`DELETE FROM calendar_days WHERE day = ?`, dateArg(d.Date)); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO calendar_days (day, kind, name, updated_at) VALUES (?, ?, ?, ?)`,
			dateArg(d.Date), string(d.Kind), d.Name, ts(tx.now)); err != nil {
			return err
		}
	}
	if err := tx.audit("calendar", 0, "save", nil, days); err != nil {
		return err
	}
	return tx.commit()
}

// DeleteCalendarDay removes a listed day (it becomes an ordinary weekday or weekend day).
func (db *DB) DeleteCalendarDay(ctx context.Context, d ding.Date) error {
	if err := canKeepCalendar(ding.ActorFrom(ctx)); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	var before calendar.Day
	err = tx.queryRow(tx.ctx, `SELECT day, kind, name FROM calendar_days WHERE day = ?`, dateArg(d)).Scan(dateScan{&before.Date}, &before.Kind, &before.Name)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("calendar day")
		}
		return tx.db.mapErr(err)
	}
	if _, err := tx.exec(`DELETE FROM calendar_days WHERE day = ?`, dateArg(d)); err != nil {
		return err
	}
	if err := tx.audit("calendar", 0, "delete", before, nil); err != nil {
		return err
	}
	return tx.commit()
}

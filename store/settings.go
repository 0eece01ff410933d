package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"ding"
)

// Settings are configuration kept in the database and edited by the project office:
// the city's 产业链 list and the reporting window. Every change is audited.

const (
	settingChains = "chains"
	settingWindow = "report_window"
)

func getSetting(ctx context.Context, r reader, key string, dst any) (bool, error) {
	var raw string
	err := r.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, r.db.mapErr(err)
	}
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return false, ding.Internal(err, "setting "+key)
	}
	return true, nil
}

func (db *DB) putSetting(ctx context.Context, key string, before, value any) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.rollback()
	if a := tx.actor; !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v, err := jsonArg(value)
	if err != nil {
		return ding.Internal(err, "setting")
	}
	res, err := tx.exec(`UPDATE settings SET value = ?, updated_at = ? WHERE key = ?`, v, ts(tx.now), key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, key, v, ts(tx.now)); err != nil {
			return err
		}
	}
	if err := tx.audit("setting:"+key, 0, "update", before, value); err != nil {
		return err
	}
	return tx.commit()
}

func getChains(ctx context.Context, r reader) ([]string, error) {
	var chains []string
	_, err := getSetting(ctx, r, settingChains, &chains)
	return chains, err
}

// Chains returns the configured 产业链 list (empty: any chain is accepted).
func (db *DB) Chains(ctx context.Context) ([]string, error) { return getChains(ctx, db.reader()) }

// canSet reports whether the caller may change settings: administrators and the office.
func canSet(ctx context.Context) error {
	a := ding.ActorFrom(ctx)
	if a == nil {
		return ding.Errorf(ding.EUNAUTHORIZED, "err.unauthorized")
	}
	if !(a.System || a.Role == ding.RoleAdmin || a.Role == ding.RoleOffice) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	return nil
}

// SetChains replaces the 产业链 list: trimmed, without blanks or duplicates.
func (db *DB) SetChains(ctx context.Context, chains []string) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	var clean []string
	seen := map[string]bool{}
	for _, c := range chains {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if utf8.RuneCountInString(c) > 50 {
			return ding.FieldError("chains", "field.too_long", 50)
		}
		seen[c] = true
		clean = append(clean, c)
	}
	before, err := db.Chains(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingChains, before, clean)
}

// ReportWindow returns the reporting window (the default until the office sets one).
func (db *DB) ReportWindow(ctx context.Context) (ding.ReportWindow, error) {
	return getWindow(ctx, db.reader())
}

func getWindow(ctx context.Context, r reader) (ding.ReportWindow, error) {
	w := ding.DefaultReportWindow
	_, err := getSetting(ctx, r, settingWindow, &w)
	return w, err
}

// SetReportWindow changes the reporting window.
func (db *DB) SetReportWindow(ctx context.Context, w ding.ReportWindow) error {
	if err := canSet(ctx); err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	before, err := db.ReportWindow(ctx)
	if err != nil {
		return err
	}
	return db.putSetting(ctx, settingWindow, before, w)
}

package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ding"
	"ding/auth"
	"ding/store"
	"ding/store/storetest"
)

// backupSource is a small generated province with warnings judged (floats, JSON, every
// kind of column) and two uploads in its data directory.
func backupSource(t *testing.T, e storetest.Engine) (*store.DB, string) {
	t.Helper()
	db := storetest.Open(t, e)
	ctx := ding.WithActor(context.Background(), ding.SystemActor("test"))
	db.Now = func() time.Time { return genClock }
	hash, err := auth.FastHasher.Hash(genPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Generate(ctx, store.GenOptions{Seed: 3, Units: 40, Projects: 60, ReportsPerProject: 12, Users: 40, Demands: 80, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecomputeWarnings(ctx, ding.Date{}); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	for dir, content := range map[string]string{"photos": "a photo", "files": "an attachment"} {
		os.MkdirAll(filepath.Join(data, dir), 0o750)
		sum := sha256.Sum256([]byte(content))
		name := hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(data, dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		q := `INSERT INTO report_photos (report_id, hash, name, mime, size) VALUES ((SELECT MIN(id) FROM progress_reports), ?, 'site.jpg', 'image/jpeg', 7)`
		if dir == "files" {
			q = `INSERT INTO item_files (item_id, name, hash, size, content_type, uploaded_at) VALUES ((SELECT MIN(id) FROM items), 'plan.pdf', ?, 13, 'application/pdf', '2024-12-01T00:00:00Z')`
		}
		if err := db.ExecForBackupTest(ctx, q, name); err != nil {
			t.Fatal(err)
		}
	}
	// An upload being written: not a stored file, left out.
	os.WriteFile(filepath.Join(data, "photos", ".upload-123"), []byte("half"), 0o600)
	return db, data
}

// tableRows counts every table's rows.
func tableRows(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	rep, err := db.Check(context.Background(), store.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Tables
}

func mustCheck(t *testing.T, db *store.DB, o store.CheckOptions) *store.CheckReport {
	t.Helper()
	rep, err := db.Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("check found %d problems: %+v", rep.Problems(), rep.Checks)
	}
	return rep
}

// TestBackupRestoreRoundTrip: a backup restores into a fresh database with every row, the
// checks pass on both sides, new rows get new ids, and the uploads come back.
func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src, data := backupSource(t, e)
			before := mustCheck(t, src, store.CheckOptions{DataDir: data})
			archive := filepath.Join(t.TempDir(), "ding.backup")
			m, err := src.Backup(ctx, archive, store.BackupOptions{Version: "v-test", DataDir: data})
			if err != nil {
				t.Fatal(err)
			}
			if m.Engine != store.Dialect(e) || m.DingVersion != "v-test" || len(m.Migrations) == 0 || len(m.Files) != 2 {
				t.Fatalf("manifest %+v", m)
			}
			if len(m.Tables) != len(before.Tables) || m.Rows() != before.Rows() {
				t.Fatalf("manifest has %d tables, %d rows; the database %d, %d", len(m.Tables), m.Rows(), len(before.Tables), before.Rows())
			}
			for _, bt := range m.Tables {
				if bt.Rows != before.Tables[bt.Name] {
					t.Errorf("%s: manifest %d rows, database %d", bt.Name, bt.Rows, before.Tables[bt.Name])
				}
			}
			if _, err := src.Backup(ctx, archive, store.BackupOptions{}); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Fatalf("backup over an existing file: %v", err)
			}

			dsn := storetest.DSN(t, e)
			data2 := t.TempDir()
			res, err := store.Restore(ctx, archive, dsn, store.RestoreOptions{DataDir: data2})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != m.Rows() || res.Tables != len(m.Tables) || res.Files != 2 || len(res.MovedAside) != 0 {
				t.Fatalf("restore result %+v", res)
			}
			cp, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			after := mustCheck(t, cp, store.CheckOptions{DataDir: data2})
			for name, n := range before.Tables {
				if after.Tables[name] != n {
					t.Errorf("%s: %d rows restored, %d backed up", name, after.Tables[name], n)
				}
			}
			if st, err := cp.Status(ctx); err != nil || len(st.Pending) != 0 || len(st.Unknown) != 0 {
				t.Fatalf("restored status %+v %v", st, err)
			}
			if _, err := os.Stat(filepath.Join(data2, "photos", ".upload-123")); err == nil {
				t.Fatal("a temporary upload was backed up")
			}
			// The restored database takes new rows: identities continue after the restored ids.
			actx := ding.WithActor(ctx, ding.SystemActor("test"))
			u := &ding.Unit{Name: "新设单位", Kind: ding.UnitTown, ParentID: 1}
			if err := cp.CreateUnit(actx, u); err != nil {
				t.Fatalf("create a unit in the restored database: %v", err)
			}
			if u.ID <= int64(before.Tables["units"]) {
				t.Fatalf("new unit id %d, %d units restored", u.ID, before.Tables["units"])
			}
			ps, _, err := cp.FindProjects(actx, ding.ProjectFilter{Limit: 5})
			if err != nil || len(ps) != 5 {
				t.Fatalf("projects of the restored database: %d %v", len(ps), err)
			}
			// Restoring again the same uploads finds them there.
			if e == storetest.Postgres {
				if _, err := store.Restore(ctx, archive, dsn, store.RestoreOptions{DataDir: data2}); err == nil || !strings.Contains(err.Error(), "not empty") {
					t.Fatalf("restore into a full database: %v", err)
				}
			}
		})
	}
}

// rewriteZip copies an archive entry by entry through edit, which may change an entry's
// bytes or drop it (nil), and add entries (extra).
func rewriteZip(t *testing.T, from, to string, edit func(name string, b []byte) []byte, extra map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b = edit(f.Name, b); b == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	for name, b := range extra {
		w, _ := zw.Create(name)
		w.Write(b)
	}
	zw.Close()
	if err := os.WriteFile(to, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// editManifest changes the manifest of an archive.
func editManifest(t *testing.T, from, to string, change func(m *store.BackupManifest)) {
	rewriteZip(t, from, to, func(name string, b []byte) []byte {
		if name != "manifest.json" {
			return b
		}
		var m store.BackupManifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		change(&m)
		out, _ := json.Marshal(&m)
		return out
	}, nil)
}

// TestRestoreRefuses: damaged, altered, foreign and too-new archives are refused with a
// message that says why, and nothing is written: the target stays absent (SQLite) or empty
// (PostgreSQL). An existing SQLite database is replaced only with Force, and kept aside.
func TestRestoreRefuses(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src := storetest.Open(t, e)
			actx := ding.WithActor(ctx, ding.SystemActor("test"))
			if err := src.CreateUnit(actx, &ding.Unit{Name: "衢江区", Kind: ding.UnitDistrict}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			good := filepath.Join(dir, "good.zip")
			m, err := src.Backup(ctx, good, store.BackupOptions{})
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(good)
			dataEntry := "ding.db"
			if e == storetest.Postgres {
				dataEntry = m.Table("units").File
			}
			bad := func(name string) string { return filepath.Join(dir, name) }
			os.WriteFile(bad("truncated"), raw[:len(raw)/2], 0o600)
			os.WriteFile(bad("empty"), nil, 0o600)
			os.WriteFile(bad("text"), []byte("hello, not a backup\n"), 0o600)
			editManifest(t, good, bad("checksum"), func(m *store.BackupManifest) {
				if m.Database != nil {
					m.Database.SHA256 = strings.Repeat("0", 64)
				}
				for i := range m.Tables {
					if m.Tables[i].SHA256 != "" {
						m.Tables[i].SHA256 = strings.Repeat("0", 64)
					}
				}
			})
			rewriteZip(t, good, bad("data"), func(name string, b []byte) []byte {
				if name == dataEntry {
					b = bytes.Clone(b)
					b[len(b)-2] ^= 1 // a byte of the last row or page
				}
				return b
			}, nil)
			editManifest(t, good, bad("newer-migrations"), func(m *store.BackupManifest) {
				m.Migrations = append(m.Migrations, "9000_future")
			})
			editManifest(t, good, bad("newer-format"), func(m *store.BackupManifest) { m.FormatVersion = 2 })
			rewriteZip(t, good, bad("extra"), func(_ string, b []byte) []byte { return b }, map[string][]byte{"tables/evil.copy": []byte("x\n")})
			editManifest(t, good, bad("traversal"), func(m *store.BackupManifest) {
				m.Files = append(m.Files, store.BackupFile{Name: "data/files/../../../etc/x", Size: 1})
			})
			cases := []struct{ file, want string }{
				{"truncated", "damaged or truncated"},
				{"empty", "damaged or truncated"},
				{"text", "not a ding backup"},
				{"checksum", "checksum"},
				{"data", ""}, // the zip's CRC or the checksum: either says damaged
				{"newer-migrations", "newer ding"},
				{"newer-format", "newer ding"},
				{"extra", "not in the manifest"},
				{"traversal", "bad file name"},
			}
			for _, c := range cases {
				dsn := storetest.DSN(t, e)
				_, err := store.Restore(ctx, bad(c.file), dsn, store.RestoreOptions{DataDir: t.TempDir()})
				if err == nil || !strings.Contains(err.Error(), c.want) || (c.want == "" && !strings.Contains(err.Error(), "damaged") && !strings.Contains(err.Error(), "checksum")) {
					t.Errorf("%s: %v", c.file, err)
				}
				assertNothingWritten(t, e, dsn)
			}

			// A backup of a database a newer ding migrated (last: src changes).
			defer func() {
				future := filepath.Join(dir, "future.zip")
				src.AddMigrationForTest(store.Migration{Version: "9000_test", SQL: "CREATE TABLE test_future (x INTEGER)"})
				if _, err := src.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := src.Backup(ctx, future, store.BackupOptions{}); err != nil {
					t.Fatal(err)
				}
				dsn := storetest.DSN(t, e)
				if _, err := store.Restore(ctx, future, dsn, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "newer ding") || !strings.Contains(err.Error(), "9000_test") {
					t.Fatalf("archive of a newer ding: %v", err)
				}
				assertNothingWritten(t, e, dsn)
			}()

			// The other engine's archive.
			other := storetest.SQLite
			if e == storetest.SQLite {
				other = storetest.Postgres
			}
			if os.Getenv("DING_TEST_POSTGRES") != "" {
				odsn := storetest.DSN(t, other)
				if _, err := store.Restore(ctx, good, odsn, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "does not convert") {
					t.Fatalf("%s archive into %s: %v", e, other, err)
				}
				assertNothingWritten(t, other, odsn)
			}

			if e == storetest.Postgres {
				// Into a database that has anything: refused, untouched.
				dsn := storetest.DSN(t, e)
				tgt, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer tgt.Close()
				if err := tgt.ExecForBackupTest(ctx, `CREATE TABLE notes (x INTEGER)`); err != nil {
					t.Fatal(err)
				}
				if _, err := tgt.RestorePostgres(ctx, good, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "notes") {
					t.Fatalf("restore into a schema with a table: %v", err)
				}
				return
			}
			// SQLite: an existing database is kept unless --force, then moved aside.
			target := filepath.Join(t.TempDir(), "ding.db")
			if _, err := store.Restore(ctx, good, target, store.RestoreOptions{}); err != nil {
				t.Fatal(err)
			}
			old, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			if err := old.CreateUnit(actx, &ding.Unit{Name: "只在旧库", Kind: ding.UnitDistrict}); err != nil {
				t.Fatal(err)
			}
			old.Close()
			if _, err := store.Restore(ctx, good, target, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("restore over an existing database: %v", err)
			}
			res, err := store.Restore(ctx, good, target, store.RestoreOptions{Force: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.MovedAside) == 0 || !strings.Contains(res.MovedAside[0], "ding.db.before-restore-") {
				t.Fatalf("moved aside %v", res.MovedAside)
			}
			kept, err := store.Open(ctx, res.MovedAside[0])
			if err != nil {
				t.Fatal(err)
			}
			defer kept.Close()
			if n := tableRows(t, kept)["units"]; n != 2 {
				t.Fatalf("the old database kept aside has %d units, want 2", n)
			}
			now, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer now.Close()
			if n := tableRows(t, now)["units"]; n != 1 {
				t.Fatalf("the restored database has %d units, want 1", n)
			}
			// A plain SQLite file (a copy of ding.db) restores too; a damaged one does not.
			plain := filepath.Join(dir, "plain.db")
			if err := src.ExecForBackupTest(ctx, `VACUUM INTO '`+plain+`'`); err != nil {
				t.Fatal(err)
			}
			t2 := filepath.Join(t.TempDir(), "ding.db")
			if res, err := store.Restore(ctx, plain, t2, store.RestoreOptions{}); err != nil || res.Manifest != nil || res.Rows == 0 {
				t.Fatalf("plain file: %+v %v", res, err)
			}
			pb, _ := os.ReadFile(plain)
			os.WriteFile(plain, pb[:len(pb)-4096], 0o600)
			t3 := filepath.Join(t.TempDir(), "ding.db")
			if _, err := store.Restore(ctx, plain, t3, store.RestoreOptions{}); err == nil {
				t.Fatal("a truncated SQLite file was restored")
			}
			assertNothingWritten(t, e, t3)
		})
	}
}

// assertNothingWritten: a refused restore left the SQLite target absent, the PostgreSQL
// schema empty.
func assertNothingWritten(t *testing.T, e storetest.Engine, dsn string) {
	t.Helper()
	if e == storetest.SQLite {
		matches, _ := filepath.Glob(dsn + "*")
		entries, _ := os.ReadDir(filepath.Dir(dsn))
		if len(matches) > 0 || len(entries) > 0 {
			t.Fatalf("a refused restore left %v %v", matches, entries)
		}
		return
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.RawQueryRowForTest(`SELECT COUNT(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused restore left %d relations (%v)", n, err)
	}
}

// TestRestorePostgresCycle: tables whose foreign keys form a cycle restore (the keys set
// aside during the copy and checked when put back), and so does a table that references
// itself in an order where a child comes before its parent.
func TestRestorePostgresCycle(t *testing.T) {
	if os.Getenv("DING_TEST_POSTGRES") == "" {
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	cycle := store.Migration{Version: "9100_cycle", SQL: `
		CREATE TABLE cyc_a (id BIGINT PRIMARY KEY, b_id BIGINT);
		CREATE TABLE cyc_b (id BIGINT PRIMARY KEY, a_id BIGINT NOT NULL REFERENCES cyc_a(id));
		ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b FOREIGN KEY (b_id) REFERENCES cyc_b(id);
		CREATE TABLE cyc_tree (id BIGINT PRIMARY KEY, parent_id BIGINT REFERENCES cyc_tree(id))`}
	src := storetest.Open(t, storetest.Postgres)
	src.AddMigrationForTest(cycle)
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO cyc_a (id) VALUES (1), (2)`,
		`INSERT INTO cyc_b (id, a_id) VALUES (10, 1), (20, 2)`,
		`UPDATE cyc_a SET b_id = 20 WHERE id = 1`,
		`UPDATE cyc_a SET b_id = 10 WHERE id = 2`,
		`INSERT INTO cyc_tree (id, parent_id) VALUES (5, NULL), (1, 5), (3, 1)`,
	} {
		if err := src.ExecForBackupTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	archive := filepath.Join(t.TempDir(), "cycle.zip")
	if _, err := src.Backup(ctx, archive, store.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	tgt, err := store.Open(ctx, storetest.DSN(t, storetest.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	tgt.AddMigrationForTest(cycle)
	if _, err := tgt.RestorePostgres(ctx, archive, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tgt.RawQueryRowForTest(`SELECT COUNT(*) FROM cyc_a a JOIN cyc_b b ON b.id = a.b_id JOIN cyc_a a2 ON a2.id = b.a_id`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("cycle restored as %d rows (%v)", n, err)
	}
	if err := tgt.RawQueryRowForTest(`SELECT COUNT(*) FROM pg_constraint WHERE conname = 'cyc_a_b' AND convalidated AND connamespace = current_schema()::regnamespace`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the cycle's key is not back: %d %v", n, err)
	}
	mustCheck(t, tgt, store.CheckOptions{})
	// A restore whose rows break a key rolls back whole: the key of the cycle is checked
	// when put back.
	broken := filepath.Join(t.TempDir(), "broken.zip")
	rewriteZip(t, archive, broken, func(name string, b []byte) []byte { return b }, nil)
	editBroken := filepath.Join(t.TempDir(), "broken2.zip")
	var sum string
	rewriteZip(t, broken, editBroken, func(name string, b []byte) []byte {
		if name == "tables/cyc_b.copy" {
			b = []byte("10\t1\n20\t99\n")
			h := sha256.Sum256(b)
			sum = hex.EncodeToString(h[:])
		}
		return b
	}, nil)
	editManifest(t, editBroken, broken, func(m *store.BackupManifest) {
		for i := range m.Tables {
			if m.Tables[i].Name == "cyc_b" {
				m.Tables[i].SHA256 = sum
			}
		}
	})
	dsn := storetest.DSN(t, storetest.Postgres)
	tgt2, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt2.Close()
	tgt2.AddMigrationForTest(cycle)
	if _, err := tgt2.RestorePostgres(ctx, broken, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("rows that break a key: %v", err)
	}
	assertNothingWritten(t, storetest.Postgres, dsn)
}

// TestCheckFindsProblems damages a database the ways the checks look for and reads what
// they say, row by row and capped.
func TestCheckFindsProblems(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, data := backupSource(t, e)
			mustCheck(t, db, store.CheckOptions{DataDir: data})
			exec := func(q string) {
				t.Helper()
				if err := db.ExecForBackupTest(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`UPDATE project_months SET completed = completed + 7 WHERE project_id = 3 AND year = 2023 AND month = 2`)
			exec(`UPDATE projects SET completed_all = completed_all + 1 WHERE id = 4`)
			exec(`UPDATE project_years SET plan_total = plan_total + 1 WHERE project_id = 5 AND year = 2023`)
			exec(`DELETE FROM unit_closure WHERE descendant_id = 30 AND depth = 1`)
			exec(`DELETE FROM rollup_dirty`)
			exec(`UPDATE rollup_projects SET n = n + 1 WHERE unit_id = (SELECT MIN(unit_id) FROM rollup_projects)`)
			exec(`UPDATE units SET depth = depth + 9 WHERE id > 10`)
			if e == storetest.Postgres {
				exec(`ALTER TABLE projects DISABLE TRIGGER projects_rollup`)
				exec(`SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 1)`)
			} else {
				exec(`PRAGMA foreign_keys = OFF; INSERT INTO unit_closure (ancestor_id, descendant_id, depth) VALUES (999999, 1, 5); PRAGMA foreign_keys = ON`)
			}
			rep, err := db.Check(ctx, store.CheckOptions{DataDir: filepath.Join(t.TempDir(), "elsewhere"), Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			found := map[string]string{}
			for _, c := range rep.Checks {
				if len(c.Problems) > 3 {
					t.Errorf("%s lists %d problems past the limit", c.Name, len(c.Problems))
				}
				found[c.Name] = strings.Join(c.Problems, "\n")
				if c.More > 0 {
					found[c.Name+" more"] = "yes"
				}
			}
			want := map[string]string{
				"project months":                  "project 3, 2023 month 2: project_months.completed is",
				"project years: completed":        "project 3, 2023: project_years.completed is",
				"projects: completed in all":      "project 4: completed_all is",
				"project years: plan":             "project 5, 2023: project_years.plan_total is",
				"unit closure: missing ancestors": "unit 30 lacks ancestor",
				"rollups: projects":               "the rollup has",
				"unit depth":                      "has depth",
				"unit depth more":                 "yes",
				"files: attachments":              "is missing from",
			}
			if e == storetest.Postgres {
				want["postgres: triggers"] = "trigger projects_rollup on projects is disabled"
				want["postgres: sequences"] = "audit_log.id already has"
			} else {
				want["sqlite: foreign keys"] = "unit_closure row"
			}
			for name, w := range want {
				if !strings.Contains(found[name], w) {
					t.Errorf("%s: want %q in\n%s", name, w, found[name])
				}
			}
			if rep.OK() || rep.Problems() < len(want) {
				t.Fatalf("%d problems", rep.Problems())
			}
		})
	}
}

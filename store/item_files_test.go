package store_test

import (
	"strings"
	"testing"

	"ding"
	"ding/store"
	"ding/store/storetest"
)

// TestItemFiles: who sees an item lists its files; the raiser, the office and the
// liaisons of its units add them; a refused item or file writes nothing.
func TestItemFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := mkProjects(t, db)
		office, liA, liB, leader := userCtx(f.office), userCtx(f.liA), userCtx(f.liB), userCtx(f.leader)
		hash := strings.Repeat("ab", 32)
		pdf := store.ItemFile{Name: "用地红线图.pdf", Hash: hash, Size: 1234, ContentType: "application/pdf"}
		// A refused item stores no file.
		bad := &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "土地", Request: "x"}
		if _, err := db.CreateItemWithFiles(liA, bad, []store.ItemFile{pdf}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("an item without a title: %v", err)
		}
		d := &ding.Item{Kind: ding.DemandItem, ProjectID: f.p.ID, Type: "土地", Title: "用地指标不足", Request: "请协调调剂 50 亩用地指标"}
		if _, err := db.CreateItemWithFiles(liA, d, []store.ItemFile{{Name: "x.pdf", Hash: "../../etc/passwd", Size: 1, ContentType: "application/pdf"}}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("a hash that is a path: %v", err)
		}
		if _, n, _ := db.FindItems(office, store.ItemFilter{}); n != 0 {
			t.Fatalf("refused items were written: %d", n)
		}
		fs, err := db.CreateItemWithFiles(liA, d, []store.ItemFile{pdf})
		if err != nil || d.ID == 0 || len(fs) != 1 || fs[0].ID == 0 || fs[0].UploadedBy != "lia" || fs[0].ItemID != d.ID {
			t.Fatalf("created with a file: %+v %v", fs, err)
		}
		got, err := db.ItemFiles(liA, d.ID)
		if err != nil || len(got) != 1 || got[0].Name != "用地红线图.pdf" || got[0].Hash != hash || got[0].Size != 1234 ||
			got[0].ContentType != "application/pdf" || !got[0].UploadedAt.Equal(fs[0].UploadedAt) {
			t.Fatalf("files: %+v %v", got, err)
		}
		// Out of scope: town B neither lists nor adds.
		if _, err := db.ItemFiles(liB, d.ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B lists: %v", err)
		}
		if _, err := db.AddItemFiles(liB, d.ID, []store.ItemFile{pdf}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("town B adds: %v", err)
		}
		if _, err := db.ItemFileByID(liA, d.ID+1, fs[0].ID); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("a file under another item: %v", err)
		}
		// The leader sees it but adds nothing; the office adds.
		if _, err := db.AddItemFiles(leader, d.ID, []store.ItemFile{pdf}); ding.ErrorCode(err) != ding.EFORBIDDEN {
			t.Fatalf("the leader adds: %v", err)
		}
		if _, err := db.AddItemFiles(office, d.ID, nil); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("no files: %v", err)
		}
		if _, err := db.AddItemFiles(office, d.ID, []store.ItemFile{{Name: "a.pdf", Hash: hash, Size: 0, ContentType: "application/pdf"}}); ding.ErrorCode(err) != ding.EINVALID {
			t.Fatalf("an empty file: %v", err)
		}
		if _, err := db.AddItemFiles(office, d.ID, []store.ItemFile{{Name: "批复.pdf", Hash: hash, Size: 99, ContentType: "application/pdf"}}); err != nil {
			t.Fatal(err)
		}
		// The department, once assigned, adds its proof.
		dept := userCtx(mkLiaison(t, db, f, "lidept", f.dept.ID))
		if _, err := db.AddItemFiles(dept, d.ID, []store.ItemFile{pdf}); ding.ErrorCode(err) != ding.ENOTFOUND {
			t.Fatalf("the department before assignment: %v", err)
		}
		units := []ding.ItemUnit{{UnitID: f.townA.ID, Lead: true}, {UnitID: f.dept.ID, Part: "调剂指标"}}
		if _, err := db.StepItem(office, d.ID, store.ItemStep{Action: ding.ItemAccept, Units: units}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddItemFiles(dept, d.ID, []store.ItemFile{{Name: "调剂文件.pdf", Hash: hash, Size: 10, ContentType: "application/pdf"}}); err != nil {
			t.Fatalf("the department adds: %v", err)
		}
		got, err = db.ItemFiles(office, d.ID)
		if err != nil || len(got) != 3 || got[1].Name != "批复.pdf" || got[2].UploadedBy != "lidept" {
			t.Fatalf("three files: %+v %v", got, err)
		}
		one, err := db.ItemFileByID(dept, d.ID, got[2].ID)
		if err != nil || one.Name != "调剂文件.pdf" {
			t.Fatalf("one file: %+v %v", one, err)
		}
		if _, n, err := db.FindAudit(sys(), ding.AuditFilter{Entity: "item", EntityID: d.ID, Action: "attach"}); err != nil || n != 3 {
			t.Fatalf("attach audit events: %d %v", n, err)
		}
	})
}

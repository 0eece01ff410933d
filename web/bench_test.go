package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"ding"
	"ding/store/storetest"
)

// benchFixture is the test fixture with the district grown to 300 units, about the
// size of a real district's org tree with its enterprises.
func benchFixture(b *testing.B, e storetest.Engine) *fixture {
	f := newFixture(b, e)
	ctx := ding.WithActor(context.Background(), ding.SystemActor("bench"))
	for i := 0; i < 295; i++ {
		u := &ding.Unit{ParentID: f.units["townA"].ID, Name: fmt.Sprintf("企业%03d", i), Kind: ding.UnitDepartment}
		if err := f.db.CreateUnit(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// BenchmarkUnitsPage renders the units tree page (300 units) for the district office,
// through the whole handler stack: session lookup, scope, store, template.
func BenchmarkUnitsPage(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := benchFixture(b, e)
			c := f.login("office")
			req, _ := http.NewRequest("GET", f.ts.URL+"/units", nil)
			for _, ck := range c.hc.Jar.Cookies(req.URL) {
				req.AddCookie(ck)
			}
			h := f.srv.Handler()
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkAPIUnitsList lists 50 units through the JSON API with a Bearer token.
func BenchmarkAPIUnitsList(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := benchFixture(b, e)
			tok := f.token("office")
			req, _ := http.NewRequest("GET", "/api/v1/units?limit=50", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			h := f.srv.Handler()
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

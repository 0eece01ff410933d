package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics counts requests and latencies per route in the Prometheus text format. It is
// small enough not to need the Prometheus client library.
type metrics struct {
	mu     sync.Mutex
	start  time.Time
	counts map[countKey]uint64
	hists  map[string]*histogram

	pressure pressureCounts // busy refusals and timeouts (pressure.go)
	gate     *gate          // the heavy slots, for their gauges
}

type countKey struct {
	route  string
	status int
}

// Latency buckets in seconds.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{start: time.Now(), counts: map[countKey]uint64{}, hists: map[string]*histogram{}, pressure: pressureCounts{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[countKey{route, status}]++
	h := m.hists[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets)+1)}
		m.hists[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

func label(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b strings.Builder
	b.WriteString("# HELP ding_http_requests_total HTTP requests by route and status.\n# TYPE ding_http_requests_total counter\n")
	keys := make([]countKey, 0, len(m.counts))
	for k := range m.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "ding_http_requests_total{route=\"%s\",status=\"%d\"} %d\n", label(k.route), k.status, m.counts[k])
	}
	b.WriteString("# HELP ding_http_request_duration_seconds HTTP request latency by route.\n# TYPE ding_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.hists))
	for r := range m.hists {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := m.hists[route]
		var cum uint64
		for i, le := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "ding_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", label(route), strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		cum += h.counts[len(buckets)]
		fmt.Fprintf(&b, "ding_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", label(route), cum)
		fmt.Fprintf(&b, "ding_http_request_duration_seconds_sum{route=\"%s\"} %g\n", label(route), h.sum)
		fmt.Fprintf(&b, "ding_http_request_duration_seconds_count{route=\"%s\"} %d\n", label(route), h.n)
	}
	m.pressure.write(&b, m.gate)
	b.WriteString("# HELP ding_uptime_seconds Seconds since the server started.\n# TYPE ding_uptime_seconds gauge\n")
	fmt.Fprintf(&b, "ding_uptime_seconds %g\n", time.Since(m.start).Seconds())
	w.Write([]byte(b.String()))
}

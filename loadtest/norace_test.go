//go:build !race

package loadtest_test

// smallRequests is TestLoadtestSmall's number of requests.
const smallRequests = 400

package filter_test

import (
	"testing"

	"github.com/snare-pcap/snare/bpf"
	"github.com/snare-pcap/snare/filter"
	"github.com/snare-pcap/snare/filter/internal/filtertest"
)

// BenchmarkCompileAll compiles every accept expression of libpcap's suite
// (all link types, optimized) once per iteration; the goal is under one
// second for all of them. Expressions for link types the compiler does not
// handle fail fast and are counted in the "failed" metric.
func BenchmarkCompileAll(b *testing.B) {
	cases, _ := loadSuite(b)
	type job struct {
		expr string
		opts filter.Options
	}
	var jobs []job
	for _, c := range cases.Accept {
		if c.Name == "bpf_image" {
			continue
		}
		opts, err := caseOptions(cases, c.DLT, c.SnapLen, c.Netmask, c.LinuxExt, true)
		if err != nil {
			continue // a DLT name the link table does not know
		}
		for _, a := range c.Aliases {
			jobs = append(jobs, job{a, opts})
		}
	}
	failed := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		failed = 0
		for _, j := range jobs {
			if _, err := filter.Compile(j.expr, j.opts); err != nil {
				failed++
			}
		}
	}
	b.ReportMetric(float64(len(jobs)), "exprs")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(jobs)), "ns/expr")
}

// BenchmarkCorpus measures the harness's corpus generation for a typical
// program, to keep the suite test fast.
func BenchmarkCorpus(b *testing.B) {
	p, err := filter.Compile("tcp port 80 and host 10.20.30.40", filter.Options{LinkType: 1, Optimize: true})
	if err != nil {
		b.Skip(err)
	}
	seeds := filtertest.Seeds("EN10MB")
	for i := 0; i < b.N; i++ {
		filtertest.Corpus([]bpf.Program{p}, seeds, 300, 1)
	}
}

// Command decode measures go-runc's own decoding (encoding/json into go-runc's
// types) of the files that bench/micro/decode_bench.cpp decodes with runcpp,
// written by make_fixtures. Each case is what go-runc does once runc's output
// is in hand:
//
//	stats_event    Runc.Stats: json.NewDecoder(stdout).Decode(&Event)
//	events_stream  Runc.Events: one Decoder, Decode(&Event) per event until EOF
//	               (1,000 events; the channel send is left out)
//	list_N         Runc.List: json.Unmarshal(output, &[]*Container)
//
// Build offline in GOPATH mode against Debian's go-runc:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o go-decode decode.go
//
// Output: one line per case, key=value pairs; mb_per_s counts 10^6 bytes and
// wall-clock time (testing.Benchmark). Exits 1 if a fixture does not decode.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	runc "github.com/containerd/go-runc"
)

const streamEvents = 1000

var listSizes = []int{1, 100, 1000}

func decodeStats(data []byte) (*runc.Stats, error) {
	var e runc.Event
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&e); err != nil {
		return nil, err
	}
	return e.Stats, nil
}

// decodeStream returns the number of events decoded, as go-runc's Events
// goroutine would have sent them (a decode error ends the count here, where
// go-runc would loop on its sticky error).
func decodeStream(data []byte) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var e runc.Event
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		if e.Stats == nil {
			return n, fmt.Errorf("event %d has no stats", n)
		}
		n++
	}
}

func decodeList(data []byte) ([]*runc.Container, error) {
	var out []*runc.Container
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

type benchCase struct {
	name  string
	data  []byte
	items int
	run   func([]byte) error
}

func load(dir string) ([]benchCase, error) {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	event, err := read("events-stats.json")
	if err != nil {
		return nil, err
	}
	if s, err := decodeStats(event); err != nil || s == nil {
		return nil, fmt.Errorf("stats event: no stats (%v)", err)
	}
	stream, err := read("events-stream.ndjson")
	if err != nil {
		return nil, err
	}
	if n, err := decodeStream(stream); err != nil || n != streamEvents {
		return nil, fmt.Errorf("event stream: %d events, expected %d (%v)", n, streamEvents, err)
	}
	cases := []benchCase{
		{"stats_event", event, 1, func(b []byte) error { _, err := decodeStats(b); return err }},
		{"events_stream", stream, streamEvents, func(b []byte) error { _, err := decodeStream(b); return err }},
	}
	for _, n := range listSizes {
		name := fmt.Sprintf("list-%d.json", n)
		data, err := read(name)
		if err != nil {
			return nil, err
		}
		list, err := decodeList(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		ids := map[string]bool{}
		for _, c := range list {
			ids[c.ID] = true
		}
		if len(list) != n || len(ids) != n {
			return nil, fmt.Errorf("%s: %d containers, %d unique ids, expected %d", name, len(list), len(ids), n)
		}
		cases = append(cases, benchCase{fmt.Sprintf("list_%d", n), data, n,
			func(b []byte) error { _, err := decodeList(b); return err }})
	}
	return cases, nil
}

func main() {
	testing.Init()
	fixtures := flag.String("fixtures", "", "directory written by make_fixtures")
	benchtime := flag.String("benchtime", "1s", "time per case (Go duration, or Nx for N iterations)")
	flag.Parse()
	if *fixtures == "" {
		fmt.Fprintln(os.Stderr, "usage: go-decode -fixtures DIR [-benchtime 1s]")
		os.Exit(2)
	}
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "go-decode: -benchtime:", err)
		os.Exit(2)
	}
	cases, err := load(*fixtures)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-decode:", err)
		os.Exit(1)
	}
	for _, c := range cases {
		c := c
		failed := false
		r := testing.Benchmark(func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := c.run(c.data); err != nil {
					failed = true
					return
				}
			}
		})
		if failed || r.N == 0 {
			fmt.Fprintf(os.Stderr, "go-decode: %s failed to decode\n", c.name)
			os.Exit(1)
		}
		secs := r.T.Seconds()
		fmt.Printf("case=%s bytes=%d items=%d iterations=%d ns_per_op=%d mb_per_s=%.2f items_per_s=%.0f allocs_per_op=%d alloc_bytes_per_op=%d\n",
			c.name, len(c.data), c.items, r.N, r.NsPerOp(), float64(r.Bytes)*float64(r.N)/1e6/secs, float64(r.N)*float64(c.items)/secs,
			r.AllocsPerOp(), r.AllocedBytesPerOp())
	}
}

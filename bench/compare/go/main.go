// go-runc side of the comparison benchmark (scripts/bench): times runc calls made
// through github.com/containerd/go-runc, used the way containerd uses it. Same
// command line and output as runcpp_client.cpp and bare_client.c:
//
//	go_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] <op> <iterations>
//
// prints "ns <nanoseconds>" per call (per lifecycle) and, last, "wall <calls> <nanoseconds>".
//
// go-runc has no per-call log: like containerd, the client that creates gets a
// JSON log file (one, made at start), so runc sees the argv runcpp sends.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	runc "github.com/containerd/go-runc"
)

type options struct {
	runc, root, bundle, id string
	callers                int
	op                     string
	iterations             int
}

func usage(why string) {
	fmt.Fprintf(os.Stderr, "go_client: %s\nusage: go_client --runc PATH --root DIR [--bundle DIR] [--id ID] [--callers N] version|state|lifecycle ITERATIONS\n", why)
	os.Exit(2)
}

// oneCall is one runc call (or one lifecycle).
func oneCall(ctx context.Context, plain, logged *runc.Runc, o *options, caller, n int) error {
	switch o.op {
	case "version":
		_, err := plain.Version(ctx)
		return err
	case "state":
		_, err := plain.State(ctx, o.id)
		return err
	}
	id := fmt.Sprintf("go-%d-%d-%d", os.Getpid(), caller, n)
	// Without an IO go-runc reads create's output to EOF, which the container
	// holds: /dev/null is what containerd's shim gives a detached container.
	nio, err := runc.NewNullIO()
	if err != nil {
		return err
	}
	defer nio.Close()
	if err := logged.Create(ctx, id, o.bundle, &runc.CreateOpts{IO: nio}); err != nil {
		_ = plain.Delete(ctx, id, &runc.DeleteOpts{Force: true})
		return fmt.Errorf("create %s: %w", id, err)
	}
	startErr := plain.Start(ctx, id)
	if err := plain.Delete(ctx, id, &runc.DeleteOpts{Force: true}); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if startErr != nil {
		return fmt.Errorf("start %s: %w", id, startErr)
	}
	return nil
}

func main() {
	var o options
	fs := flag.NewFlagSet("go_client", flag.ExitOnError)
	fs.StringVar(&o.runc, "runc", "/usr/sbin/runc", "runc binary")
	fs.StringVar(&o.root, "root", "", "runc --root")
	fs.StringVar(&o.bundle, "bundle", "", "bundle for lifecycle")
	fs.StringVar(&o.id, "id", "", "container for state")
	fs.IntVar(&o.callers, "callers", 1, "concurrent callers")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() != 2 {
		usage("expected an operation and ITERATIONS")
	}
	o.op = fs.Arg(0)
	it, err := strconv.Atoi(fs.Arg(1))
	if err != nil || it < 0 {
		usage("bad ITERATIONS")
	}
	o.iterations = it
	switch {
	case o.root == "":
		usage("--root is required")
	case o.callers < 1:
		usage("--callers must be at least 1")
	case o.op == "state" && o.id == "":
		usage("state needs --id")
	case o.op == "lifecycle" && o.bundle == "":
		usage("lifecycle needs --bundle")
	case o.op != "version" && o.op != "state" && o.op != "lifecycle":
		usage("unknown operation " + o.op)
	}

	plain := &runc.Runc{Command: o.runc, Root: o.root}
	logged := &runc.Runc{Command: o.runc, Root: o.root, LogFormat: runc.JSON}
	if o.op == "lifecycle" {
		dir := os.Getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			dir = os.TempDir()
		}
		f, err := os.CreateTemp(dir, "go-runc-log-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
		defer os.Remove(f.Name())
		logged.Log = f.Name()
	}

	ctx := context.Background()
	ns := make([][]int64, o.callers)
	errs := make([]error, o.callers)
	var wg sync.WaitGroup
	wall0 := time.Now()
	for c := 0; c < o.callers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			ns[c] = make([]int64, 0, o.iterations)
			for n := 0; n < o.iterations; n++ {
				t0 := time.Now()
				if err := oneCall(ctx, plain, logged, &o, c, n); err != nil {
					errs[c] = err
					return
				}
				ns[c] = append(ns[c], time.Since(t0).Nanoseconds())
			}
		}(c)
	}
	wg.Wait()
	wall := time.Since(wall0).Nanoseconds()

	out := make([]byte, 0, 64*o.callers*o.iterations+64)
	calls := 0
	for _, v := range ns {
		for _, t := range v {
			out = append(out, "ns "...)
			out = strconv.AppendInt(out, t, 10)
			out = append(out, '\n')
		}
		calls += len(v)
	}
	failed := false
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, "go_client:", err)
			failed = true
		}
	}
	if !failed {
		out = append(out, fmt.Sprintf("wall %d %d\n", calls, wall)...)
	}
	os.Stdout.Write(out)
	if failed {
		os.Remove(logged.Log)
		os.Exit(1)
	}
}

// Command yamuxpeer is a scriptable hashicorp/yamux peer over plain TCP for the Java yamux interop
// test (GoYamuxInteropTest). It prints JSON events, one per line, on stdout:
//
//	yamuxpeer listen [flags]          accepts one connection as yamux server: {"event":"ready","port":N}
//	yamuxpeer dial [flags] HOST:PORT  connects as yamux client
//
// In both modes every inbound stream is echoed back until EOF, then half-closed. With -streams or
// -large it opens streams of random payloads, checks their echoes (SHA-256) and closes them, then
// prints a "result" event; with
// -ping it also pings once. When the remote closes the connection it prints a "closed" event listing
// any error yamux logged, and exits.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: yamuxpeer listen|dial [flags] [HOST:PORT]"))
	}
	mode := os.Args[1]
	flags := flag.NewFlagSet(mode, flag.ExitOnError)
	streams := flags.Int("streams", 0, "streams to open, each echoing -size bytes")
	size := flags.Int("size", 64*1024, "payload bytes per stream of -streams")
	large := flags.Int("large", 0, "bytes of one more stream opened alongside, 0 for none")
	ping := flags.Bool("ping", false, "ping the remote once and report the round trip")
	keepAlive := flags.Duration("keepalive", 30*time.Second, "keep-alive ping interval")
	flags.Parse(os.Args[2:])

	conn, err := connect(mode, flags.Arg(0))
	if err != nil {
		fail(err)
	}
	yamuxLog := &errorRecorder{}
	config := yamux.DefaultConfig()
	// go-libp2p's window: streams grow to 16 MiB instead of staying at the spec's 256 KiB.
	config.MaxStreamWindowSize = 16 * 1024 * 1024
	config.EnableKeepAlive = true
	config.KeepAliveInterval = *keepAlive
	config.LogOutput = yamuxLog
	var session *yamux.Session
	if mode == "listen" {
		session, err = yamux.Server(conn, config)
	} else {
		session, err = yamux.Client(conn, config)
	}
	if err != nil {
		fail(err)
	}
	go echoInbound(session)

	if *streams > 0 || *large > 0 || *ping {
		result := map[string]interface{}{"event": "result"}
		sizes := make([]int, 0, *streams+1)
		for i := 0; i < *streams; i++ {
			sizes = append(sizes, *size)
		}
		if *large > 0 {
			sizes = append(sizes, *large)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			failures := echoAll(session, sizes)
			result["streams"] = len(sizes)
			result["failures"] = failures
			result["millis"] = time.Since(start).Milliseconds()
		}()
		if *ping {
			rtt, err := session.Ping()
			if err != nil {
				result["pingError"] = err.Error()
			} else {
				result["pingRttNanos"] = rtt.Nanoseconds()
			}
		}
		wg.Wait()
		result["sessionClosed"] = session.IsClosed()
		result["yamuxErrors"] = yamuxLog.errors()
		emit(result)
	}

	<-session.CloseChan()
	emit(map[string]interface{}{"event": "closed", "yamuxErrors": yamuxLog.errors()})
}

// connect accepts one TCP connection (listen) or dials address (dial).
func connect(mode, address string) (net.Conn, error) {
	switch mode {
	case "listen":
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer listener.Close()
		emit(map[string]interface{}{"event": "ready", "port": listener.Addr().(*net.TCPAddr).Port})
		return listener.Accept()
	case "dial":
		if address == "" {
			return nil, fmt.Errorf("dial needs HOST:PORT")
		}
		return net.Dial("tcp", address)
	default:
		return nil, fmt.Errorf("unknown mode %q", mode)
	}
}

// echoInbound writes every inbound stream back to its sender, then half-closes it.
func echoInbound(session *yamux.Session) {
	for {
		stream, err := session.AcceptStream()
		if err != nil {
			return // the session closed
		}
		go func() {
			if _, err := io.Copy(stream, stream); err != nil {
				log.Printf("echo on stream %d: %v", stream.StreamID(), err)
				stream.Close()
				return
			}
			stream.Close()
		}()
	}
}

// echoAll opens one stream per size at once, each sending random bytes, and returns a description of
// every stream whose echo differed or failed.
func echoAll(session *yamux.Session, sizes []int) []string {
	var mu sync.Mutex
	failures := []string{}
	var wg sync.WaitGroup
	for _, size := range sizes {
		wg.Add(1)
		go func(size int) {
			defer wg.Done()
			if err := echoOnce(session, size); err != nil {
				mu.Lock()
				failures = append(failures, err.Error())
				mu.Unlock()
			}
		}(size)
	}
	wg.Wait()
	return failures
}

func echoOnce(session *yamux.Session, size int) error {
	payload := make([]byte, size)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	sent := sha256.Sum256(payload)
	stream, err := session.OpenStream()
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	written := make(chan error, 1)
	go func() {
		_, err := stream.Write(payload)
		written <- err
	}()
	// The echo is read in full before our FIN: this hashicorp/yamux (2019) answers Read with EOF as
	// soon as the stream is closed locally and nothing is buffered, so it cannot read to the remote's EOF.
	echoed := make([]byte, size)
	n, readErr := io.ReadFull(stream, echoed)
	if err := <-written; err != nil {
		return fmt.Errorf("stream %d: write: %w", stream.StreamID(), err)
	}
	if readErr != nil {
		return fmt.Errorf("stream %d: read after %d of %d bytes: %w", stream.StreamID(), n, size, readErr)
	}
	if got := sha256.Sum256(echoed); !bytes.Equal(got[:], sent[:]) {
		return fmt.Errorf("stream %d: echo of %d bytes differs", stream.StreamID(), size)
	}
	return stream.Close()
}

// errorRecorder receives yamux's log output: forwards it to stderr and remembers [ERR] and [WARN] lines.
type errorRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *errorRecorder) Write(p []byte) (int, error) {
	os.Stderr.Write(p)
	line := strings.TrimSpace(string(p))
	if strings.Contains(line, "[ERR]") || strings.Contains(line, "[WARN]") {
		r.mu.Lock()
		r.lines = append(r.lines, line)
		r.mu.Unlock()
	}
	return len(p), nil
}

func (r *errorRecorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.lines...)
}

var stdout sync.Mutex

func emit(event map[string]interface{}) {
	line, err := json.Marshal(event)
	if err != nil {
		fail(err)
	}
	stdout.Lock()
	defer stdout.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "yamuxpeer:", err)
	os.Exit(1)
}

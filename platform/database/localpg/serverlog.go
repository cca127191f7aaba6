// The server log: postgres writes its output to DataDir/postgres.log, and start-up
// errors quote its tail so the cause is on the screen.

package localpg

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

func (s *Server) openLog() error {
	if fi, err := os.Stat(s.logPath); err == nil && fi.Size() > logRotateSize {
		_ = os.Rename(s.logPath, s.logPath+".old")
	}
	f, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("localpg: cannot open server log: %w", err)
	}
	s.logFile = f
	fmt.Fprintf(f, "---- fastsvelte localpg start %s ----\n", time.Now().Format(time.RFC3339))
	return nil
}

func (s *Server) closeLog() {
	if s.logFile != nil {
		_ = s.logFile.Close()
		s.logFile = nil
	}
}

// logTail returns the last n lines the server wrote since the current start attempt.
func (s *Server) logTail(n int) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return "(no server log)"
	}
	defer f.Close()
	from := s.logOffset
	if fi, err := f.Stat(); err == nil && fi.Size()-from > 64<<10 {
		from = fi.Size() - 64<<10
	}
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return "(server log unreadable)"
	}
	data, _ := io.ReadAll(f)
	tail := lastLines(data, n)
	if tail == "" {
		return "(server log is empty; see " + s.logPath + ")"
	}
	return tail
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, " | "))
}

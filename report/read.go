package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/preflight-dev/preflight/internal/textsafe"
	"github.com/preflight-dev/preflight/model"
)

// ReadJSON reads a report of `preflight check --format json` back. A
// document that is not JSON, or not of this schema, is an error that says
// where (line:column) when the JSON itself is at fault.
func ReadJSON(data []byte) (Report, error) {
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return Report{}, positioned(data, err)
	}
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
		return Report{}, at(data, off+int64(len(data[off:])-len(bytes.TrimLeft(data[off:], " \t\r\n"))), "more than one JSON document")
	}
	if r.Schema != Schema {
		return Report{}, fmt.Errorf("schema %q is not %s", r.Schema, Schema)
	}
	return r, nil
}

// positioned adds line:column to the errors of encoding/json that know
// the offset of the fault. Their offset is of the byte after it: the
// column names the last byte read.
func positioned(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return at(data, syn.Offset-1, err.Error())
	case errors.As(err, &typ):
		return at(data, typ.Offset-1, err.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return at(data, int64(len(data)), "the document ends early")
	}
	return err
}

// PositionError is a fault in a JSON document at a line and column (both
// from 1).
type PositionError struct {
	Line, Column int
	Msg          string
}

func (e *PositionError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

func at(data []byte, off int64, msg string) error {
	line, col := position(data, off)
	return &PositionError{Line: line, Column: col, Msg: msg}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Snapshot rebuilds the snapshot the report was written from, and what the
// report says about the run, such that writing it again gives the same
// report. Scores, the verdict and its reasons are not read: they follow
// from the collectors, the findings, the checklist and the policy.
func (r Report) Snapshot() (model.Snapshot, Meta, error) {
	s := model.Snapshot{Root: r.Root, GeneratedAt: r.GeneratedAt, Policy: r.Policy.model()}
	m := Meta{Commit: r.Commit, Version: r.PreflightVersion, Shard: r.Shard}
	if t := r.Trust; t != nil {
		s.Trust, m.Trust = t.model()
	}
	if ws := r.WatchState; ws != nil {
		s.Watch = model.WatchState{Active: ws.Watching, Dirs: ws.Dirs, Polled: ws.Polled, Warning: ws.Warning}
	}
	at := map[string]int{}
	for _, c := range r.Collectors {
		if _, dup := at[c.ID]; dup {
			return model.Snapshot{}, Meta{}, fmt.Errorf("collector %s is listed twice", c.ID)
		}
		at[c.ID] = len(s.Collectors)
		st := model.CollectorState{Stale: c.Stale, Result: model.Result{
			Collector: c.ID, Kind: c.Kind, Domain: c.Domain, Status: c.Status, Command: c.Command,
			ExitCode: c.ExitCode, Duration: time.Duration(c.DurationMS) * time.Millisecond, Facts: c.Facts,
			Error: c.Error, Hint: c.Hint, Trigger: c.Trigger, ToolVersion: c.ToolVersion,
			Waiting: c.WaitingFor, Broken: c.Broken, Cached: c.Cached, Evidence: c.Evidence,
		}}
		if st.Facts == nil {
			st.Facts = map[string]float64{}
		}
		if c.FinishedAt != nil {
			st.FinishedAt = *c.FinishedAt
			st.StartedAt = st.FinishedAt.Add(-st.Duration)
		}
		s.Collectors = append(s.Collectors, st)
	}
	var acks []model.Acknowledgment
	for i, f := range r.Findings {
		ci, ok := at[f.Collector]
		if !ok {
			return model.Snapshot{}, Meta{}, fmt.Errorf("finding %d (%s) belongs to collector %q, which the report does not list", i+1, f.ID, f.Collector)
		}
		fd := f.Finding
		switch f.FileEncoding {
		case "":
		case "percent":
			file, err := textsafe.DecodePath(fd.File)
			if err != nil {
				return model.Snapshot{}, Meta{}, fmt.Errorf("finding %d (%s): %v", i+1, f.ID, err)
			}
			fd.File = file
		default:
			return model.Snapshot{}, Meta{}, fmt.Errorf("finding %d (%s): unknown file_encoding %q", i+1, f.ID, f.FileEncoding)
		}
		s.Collectors[ci].Findings = append(s.Collectors[ci].Findings, fd)
		if f.Acknowledged != nil {
			acks = append(acks, *f.Acknowledged)
		}
	}
	if r.ChecklistFile != "" || len(r.Checklist) > 0 || len(r.ChecklistIssues) > 0 || len(r.Acknowledgments) > 0 {
		cl := &model.Checklist{File: r.ChecklistFile, Items: r.Checklist, Problems: r.ChecklistIssues, Acks: r.Acknowledgments}
		if cl.Acks == nil {
			// A report of an older preflight names only the acknowledgments
			// that hold, on their findings.
			cl.Acks = acks
		}
		s.Checklist = cl
	}
	return s, m, nil
}

func (t *Trust) model() (model.TrustState, *model.TrustGrant) {
	switch {
	case t.State == "untrusted":
		return model.Untrusted, nil
	case t.State != "trusted":
		return model.TrustNotAsked, nil
	case t.By == "flag":
		return model.Trusted, &model.TrustGrant{Flag: true}
	case t.By == "record" && t.TrustedAt != nil:
		return model.Trusted, &model.TrustGrant{At: *t.TrustedAt}
	}
	return model.Trusted, nil
}

func (p *Policy) model() *model.Policy {
	if p == nil {
		return nil
	}
	out := &model.Policy{Domains: map[string]model.DomainOverride{}, Gate: p.Gate}
	for id, d := range p.Domains {
		out.Domains[id] = model.DomainOverride{Name: d.Name, Weight: d.Weight}
	}
	return out
}

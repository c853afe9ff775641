package report

import (
	"github.com/preflight-dev/preflight/internal/textsafe"
	"github.com/preflight-dev/preflight/model"
)

// printable returns a copy of s for the formats people read (text,
// Markdown) and for JUnit: every string that came from the repository or a
// tool — file names, messages, output excerpts, checklist text — with its
// control characters escaped, so that a report printed to a terminal or
// pasted into a CI log cannot inject escape sequences, and with nothing
// XML cannot hold.
func printable(s model.Snapshot) model.Snapshot {
	s = s.Clone()
	s.Root = line(s.Root)
	s.LastTrigger = line(s.LastTrigger)
	for i := range s.Collectors {
		c := &s.Collectors[i]
		c.Collector, c.Kind, c.Domain = line(c.Collector), line(c.Kind), line(c.Domain)
		c.Command, c.Error, c.Hint, c.Output = text(c.Command), text(c.Error), text(c.Hint), text(c.Output)
		c.Trigger, c.Progress = line(c.Trigger), line(c.Progress)
		c.Evidence = append([]model.Evidence(nil), c.Evidence...)
		for j := range c.Evidence {
			e := &c.Evidence[j]
			e.Fact, e.File, e.Text = line(e.Fact), line(e.File), line(e.Text)
		}
		c.Findings = append([]model.Finding(nil), c.Findings...)
		for j := range c.Findings {
			f := &c.Findings[j]
			f.Collector, f.Domain, f.Rule, f.File = line(f.Collector), line(f.Domain), line(f.Rule), line(f.File)
			f.Message = text(f.Message)
		}
	}
	if p := s.Policy; p != nil {
		cp := &model.Policy{Gate: p.Gate, Domains: map[string]model.DomainOverride{}}
		for id, d := range p.Domains {
			d.Name = line(d.Name)
			cp.Domains[id] = d
		}
		s.Policy = cp
	}
	if cl := s.Checklist; cl != nil {
		cl.File = line(cl.File)
		for i := range cl.Items {
			it := &cl.Items[i]
			it.File, it.Section, it.Text, it.CheckedBy = line(it.File), line(it.Section), line(it.Text), line(it.CheckedBy)
			it.Rule, it.Why, it.Source = line(it.Rule), text(it.Why), line(it.Source)
			it.Evidence = append([]string(nil), it.Evidence...)
			for j := range it.Evidence {
				it.Evidence[j] = line(it.Evidence[j])
			}
		}
		for i := range cl.Acks {
			a := &cl.Acks[i]
			a.By, a.Reason, a.Label = line(a.By), text(a.Reason), line(a.Label)
		}
		for i := range cl.Problems {
			p := &cl.Problems[i]
			p.File, p.Message = line(p.File), text(p.Message)
		}
	}
	if b := s.Base; b != nil {
		cp := *b
		cp.Rev, cp.Commit = line(b.Rev), line(b.Commit)
		cp.Fixed = append([]model.Finding(nil), b.Fixed...)
		for i := range cp.Fixed {
			f := &cp.Fixed[i]
			f.Collector, f.Rule, f.File, f.Message = line(f.Collector), line(f.Rule), line(f.File), text(f.Message)
		}
		s.Base = &cp
	}
	return s
}

func text(s string) string { return textsafe.XML(textsafe.Escape(s)) }
func line(s string) string { return textsafe.XML(textsafe.Line(s)) }

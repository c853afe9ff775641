package coverage

import (
	"go/ast"
	"go/parser"
	"go/token"

	"golang.org/x/tools/cover"
)

// GoFuncStatements is statement coverage as `go tool cover -func` totals
// it: over the blocks inside function declarations of each file, so the
// closures of package-level variables do not count. source reads a file
// of the profile by its name there (an import path and file name); ok is
// false when one cannot be read or parsed, as go tool cover then fails
// too, and the profile's own totals stand.
func GoFuncStatements(data []byte, source func(name string) ([]byte, bool)) (c Counter, ok bool) {
	mode, blocks, _, err := goProfileLines(data)
	if err != nil {
		return Counter{}, false
	}
	profiles, err := parseGoBlocks(mode, blocks)
	if err != nil {
		return Counter{}, false
	}
	c.Known = true
	for _, p := range profiles {
		src, ok := source(p.FileName)
		if !ok {
			return Counter{}, false
		}
		funcs, err := funcExtents(src)
		if err != nil {
			return Counter{}, false
		}
		for _, f := range funcs {
			covered, total := f.coverage(p.Blocks)
			c.Covered += covered
			c.Total += total
		}
	}
	return c, true
}

// extent is where a function declaration lies, as cmd/cover's func.go
// finds it.
type extent struct{ startLine, startCol, endLine, endCol int }

func funcExtents(src []byte) ([]extent, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []extent
	ast.Inspect(file, func(n ast.Node) bool {
		if fn, ok := n.(*ast.FuncDecl); ok && fn.Body != nil {
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			out = append(out, extent{start.Line, start.Column, end.Line, end.Column})
		}
		return true
	})
	return out, nil
}

// coverage adds up the blocks inside the function; blocks are sorted by
// position, as the cover package returns them.
func (f extent) coverage(blocks []cover.ProfileBlock) (covered, total int) {
	for _, b := range blocks {
		if b.StartLine > f.endLine || (b.StartLine == f.endLine && b.StartCol >= f.endCol) {
			break // past the function
		}
		if b.EndLine < f.startLine || (b.EndLine == f.startLine && b.EndCol <= f.startCol) {
			continue // before it
		}
		total += b.NumStmt
		if b.Count > 0 {
			covered += b.NumStmt
		}
	}
	return covered, total
}

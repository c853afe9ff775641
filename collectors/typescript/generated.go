package typescript

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// readFileMessage is TS5083 as placed: "Cannot read file '.svelte-kit/tsconfig.json'."
var readFileMessage = regexp.MustCompile(`^Cannot read file '([^']+)'`)

// missingModule is the module a TS2307 names: "Cannot find module
// '@/generated/prisma/client' or its corresponding type declarations."
var missingModule = regexp.MustCompile(`^Cannot find module '([^']+)'`)

// generatedHint says that errors are code generation not run: imports of
// a module under a generated/ path that is not there (umami's
// @/generated/prisma/client, which prisma generate writes and git
// ignores), or of @prisma/client's models before prisma generate wrote
// the default client. The errors stay what tsc says; "" when none is such.
func generatedHint(root, dir string, diags []Diagnostic) string {
	// A base configuration a framework generates, missing: every other
	// error may follow from it (SvelteKit's paths, types and $lib).
	for _, d := range diags {
		if m := readFileMessage.FindStringSubmatch(d.Message); d.Code == 5083 && m != nil {
			if g, in, ok := generator(m[1]); ok {
				return fmt.Sprintf("the configuration extends %s, which %s generates and is not there: run `%s` in %s, then check again (the other errors may follow from it)",
					m[1], g.framework, g.command, in)
			}
		}
	}
	n, first := 0, ""
	prismaMissing := sync.OnceValue(func() bool { return !prismaClientGenerated(root, dir) })
	for _, d := range diags {
		module := ""
		if m := missingModule.FindStringSubmatch(d.Message); d.Code == 2307 && m != nil && generatedPath(m[1]) {
			module = m[1]
		} else if m := missingMember.FindStringSubmatch(d.Message); d.Code == 2305 && m != nil && m[1] == "@prisma/client" && prismaMissing() {
			module = m[1]
		}
		if module == "" {
			continue
		}
		n++
		if first == "" {
			first = module
		}
	}
	if n == 0 {
		return ""
	}
	step := "the project's code generation"
	if hasPrismaSchema(filepath.Join(root, filepath.FromSlash(dir))) {
		step = "prisma generate (the project's build may run it)"
	}
	return fmt.Sprintf("%d of the errors import generated code that is not there (%s): run %s, then check again", n, first, step)
}

// missingMember is the module a TS2305 names: "Module '"@prisma/client"'
// has no exported member 'User'."
var missingMember = regexp.MustCompile(`^Module '"([^"]+)"' has no exported member`)

// prismaClientGenerated reports whether prisma generate has written the
// default client (node_modules/.prisma/client, beside the package or in
// a node_modules above it, as Node resolves it): before it has,
// @prisma/client exports none of the schema's models, and tsc says
// "has no exported member 'User'".
func prismaClientGenerated(root, dir string) bool {
	for d := dir; ; d = path.Dir(d) {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(d), "node_modules", ".prisma", "client", "index.d.ts")); err == nil {
			return true
		}
		if d == "." || d == "/" {
			return false
		}
	}
}

func generatedPath(module string) bool {
	for _, seg := range strings.Split(module, "/") {
		if seg == "generated" || seg == "__generated__" || seg == ".prisma" {
			return true
		}
	}
	return false
}

// hasPrismaSchema reports a Prisma schema where prisma looks for one.
func hasPrismaSchema(dir string) bool {
	for _, p := range []string{"prisma/schema.prisma", "schema.prisma", "prisma/schema"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			return true
		}
	}
	return false
}

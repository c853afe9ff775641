package typescript

import (
	"fmt"
	"io"
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
	prisma := sync.OnceValue(func() string { return prismaClient(root, dir) })
	for _, d := range diags {
		module := ""
		if m := missingModule.FindStringSubmatch(d.Message); d.Code == 2307 && m != nil && generatedPath(m[1]) {
			module = m[1]
		} else if m := missingMember.FindStringSubmatch(d.Message); d.Code == 2305 && m != nil && m[1] == "@prisma/client" && prisma() != prismaGenerated {
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
	schema := hasPrismaSchema(filepath.Join(root, filepath.FromSlash(dir)))
	if n == 0 {
		if schema && prisma() == prismaPlaceholder {
			// No error, and none can be: the placeholder's client is any.
			return "the Prisma client is not generated: node_modules/.prisma/client holds @prisma/client's placeholder, whose PrismaClient is any, " +
				"so tsc cannot check the code that uses it; run prisma generate (the project's build may run it), then check again"
		}
		return ""
	}
	step := "the project's code generation"
	if schema {
		step = "prisma generate (the project's build may run it)"
	}
	return fmt.Sprintf("%d of the errors import generated code that is not there (%s): run %s, then check again", n, first, step)
}

// missingMember is the module a TS2305 names: "Module '"@prisma/client"'
// has no exported member 'User'."
var missingMember = regexp.MustCompile(`^Module '"([^"]+)"' has no exported member`)

// What node_modules/.prisma/client holds, as prismaClient tells it.
const (
	prismaNone        = ""
	prismaPlaceholder = "placeholder"
	prismaGenerated   = "generated"
)

// prismaClient tells whether prisma generate has written the default
// client (node_modules/.prisma/client, beside the package or in a
// node_modules above it, as Node resolves it). Before it has, there is
// none, or the placeholder @prisma/client's install writes, whose
// PrismaClient is any and which exports none of the schema's models:
// tsc says "has no exported member 'User'", or nothing at all.
func prismaClient(root, dir string) string {
	for d := dir; ; d = path.Dir(d) {
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(d), "node_modules", ".prisma", "client", "index.d.ts"))
		if err == nil {
			head := make([]byte, 64<<10)
			n, _ := io.ReadFull(f, head)
			f.Close()
			if strings.Contains(string(head[:n]), "export declare const PrismaClient: any") {
				return prismaPlaceholder
			}
			return prismaGenerated
		}
		if d == "." || d == "/" {
			return prismaNone
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

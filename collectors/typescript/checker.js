// Long-lived type-checker for the TypeScript projects of one repository,
// driven over stdio.
//
//   node -e <this file> -- <most live programs>
//
// It loads each compiler the projects use once (a repository whose packages
// pin different TypeScript versions gets them all in this one process) and
// keeps one watch program (the engine behind `tsc --watch`) per project, but it never watches the file system itself:
// every watchFile/watchDirectory registration is only recorded, and the
// caller, which already watches the tree, tells it what changed.
//
// The programs of one compiler share the parsed source files that do not
// belong to any project — the compiler's lib.*.d.ts and everything under node_modules —
// the way an editor's language server shares them between the projects of
// one window: one copy per path and per set of parse-affecting options.
// At most <most live programs> programs are kept; the one asked for least
// recently, whichever its compiler, is dropped when another is needed and
// rebuilt when asked for again.
//
// Protocol, one JSON object per line:
//   stdout, once: {"ready":true}  the checker listens
//   stdin:  {"id":1,"typescript":"/abs/lib/typescript.js","project":"/abs/tsconfig.json","changed":["/abs/path.ts"],"fresh":false}
//           checks the project with that compiler (loaded on first use),
//           building its program first when there is none (or when fresh
//           asks for a new one, or the project's compiler changed); changed
//           paths are absolute and reach every live program
//   stdout: {"id":1,"version":"5.9.3","diagnostics":[…]}  or {"id":1,"error":"…","diagnostics":[…]}
//           after an error the project's program is dropped, the process
//           lives on (a compiler that cannot be loaded is such an error)
//   stdin:  {"project":"/abs/tsconfig.json","close":true}  drops the program; no reply
// A diagnostic is {"file","line","column","category","code","message"};
// file is relative to the working directory like tsc prints it, and absent
// for global diagnostics. Anything else the compiler prints goes to stderr so
// that stdout carries only the protocol.
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");

const protocolOut = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
console.log = console.info = console.error;

function send(message) {
  protocolOut(JSON.stringify(message) + "\n");
}

const [boundArg] = process.argv.slice(1);
const maxPrograms = Math.max(1, parseInt(boundArg, 10) || 8);

const cwd = process.cwd();
const slashes = (p) => p.split(path.sep).join("/");
// Case-insensitive on the systems whose default file systems are, as the
// compiler's own sys decides for a project.
const canonical = process.platform === "win32" || process.platform === "darwin" ? (s) => s.toLowerCase() : (s) => s;
const keyOf = (p) => canonical(slashes(path.resolve(cwd, p)));

// Exit is a failure whose message says it all: the compiler asked to exit,
// or could not be loaded.
class Exit extends Error {}

// ---- The compilers of this process ----

const compilers = new Map(); // typescript.js path -> compiler

function compilerAt(typescriptPath) {
  let compiler = compilers.get(typescriptPath);
  if (!compiler) {
    let ts;
    try {
      ts = require(typescriptPath);
    } catch (err) {
      throw new Exit("cannot load TypeScript from " + typescriptPath + ": " + err.message);
    }
    compiler = loadCompiler(ts);
    compilers.set(typescriptPath, compiler);
  }
  return compiler;
}

// loadCompiler is everything that depends on one compiler: its shared
// source files and the projects it checks.
function loadCompiler(ts) {
  // ---- Shared source files ----

  const libDir = keyOf(path.dirname(ts.getDefaultLibFilePath({})));

  // Only files no project owns are shared: they do not change while the
  // cockpit runs (preflight never watches node_modules), so a program never
  // needs to hear about them, and they are most of what a program parses.
  function shareable(key) {
    return key.includes("/node_modules/") || (key.startsWith(libDir + "/") && !key.slice(libDir.length + 1).includes("/"));
  }

  // The options a parsed and bound source file depends on, as the language
  // service keys its document registry: getKeyForCompilerOptions from 5.0,
  // the same values joined by hand in 4.x (whose registry does just that);
  // the whole option set where the compiler does not say which those are.
  function settingsKey(options) {
    if (typeof ts.getKeyForCompilerOptions === "function" && Array.isArray(ts.sourceFileAffectingCompilerOptions)) {
      return ts.getKeyForCompilerOptions(options, ts.sourceFileAffectingCompilerOptions);
    }
    if (typeof ts.getCompilerOptionValue === "function" && Array.isArray(ts.sourceFileAffectingCompilerOptions)) {
      const values = ts.sourceFileAffectingCompilerOptions.map((option) => ts.getCompilerOptionValue(options, option));
      return JSON.stringify(values.concat(options.pathsBasePath));
    }
    const own = Object.assign({}, options);
    delete own.configFile;
    delete own.configFilePath;
    return JSON.stringify(own);
  }

  function fileVersion(text) {
    if (typeof ts.getSourceFileVersionAsHashFromText === "function") {
      return ts.getSourceFileVersionAsHashFromText({ createHash: ts.sys.createHash }, text);
    }
    return ts.sys.createHash ? ts.sys.createHash(text) : String(text.length) + ":" + text.slice(0, 64);
  }

  function stamp(fileName) {
    try {
      const st = fs.statSync(fileName);
      return st.isFile() ? st.size + ":" + st.mtimeMs : undefined;
    } catch {
      return undefined;
    }
  }

  // entries: cache key -> {file, stamp, holders: Set of projects}
  const sharedFiles = new Map();

  // sharedSourceFile returns the shared parse of fileName for project, or
  // undefined when the file is not shared or does not exist (the watch
  // program then deals with it as usual). A project checks each shared file
  // against the disk once per program it builds, so a full run sees a
  // reinstalled node_modules.
  function sharedSourceFile(project, fileName, parseOptions) {
    const key = keyOf(fileName);
    if (!shareable(key)) return undefined;
    const opts = typeof parseOptions === "object" ? parseOptions : { languageVersion: parseOptions };
    const cacheKey = [project.settings, opts.languageVersion, opts.impliedNodeFormat, opts.jsDocParsingMode, key].join("\0");
    let entry = sharedFiles.get(cacheKey);
    if (entry && !project.held.has(cacheKey)) {
      if (stamp(fileName) !== entry.stamp) {
        dropShared(cacheKey);
        entry = undefined;
      }
    }
    if (!entry) {
      const now = stamp(fileName);
      if (now === undefined) return undefined;
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return undefined;
      const file = ts.createSourceFile(fileName, text, parseOptions, undefined);
      file.version = fileVersion(text);
      entry = { file, stamp: now, holders: new Set() };
      sharedFiles.set(cacheKey, entry);
    }
    entry.holders.add(project);
    project.held.add(cacheKey);
    return entry.file;
  }

  // dropShared forgets a shared file that changed; every program holding the
  // old parse is rebuilt when next asked for.
  function dropShared(cacheKey) {
    const entry = sharedFiles.get(cacheKey);
    if (!entry) return;
    sharedFiles.delete(cacheKey);
    for (const holder of entry.holders) {
      holder.held.delete(cacheKey);
      holder.stale = true;
    }
  }

  function releaseShared(project) {
    for (const cacheKey of project.held) {
      const entry = sharedFiles.get(cacheKey);
      if (!entry) continue;
      entry.holders.delete(project);
      if (entry.holders.size === 0) sharedFiles.delete(cacheKey);
    }
    project.held.clear();
  }

  // ---- One project ----

  // collect mirrors emitFilesAndReportErrors in tsc: configuration problems
  // first, then syntax; only a syntactically clean program gets options and
  // global diagnostics, and only then semantic ones.
  function collect(program) {
    const options = program.getCompilerOptions();
    let all = program.getConfigFileParsingDiagnostics().slice();
    const configCount = all.length;
    all = all.concat(program.getSyntacticDiagnostics());
    if (all.length === configCount) {
      all = all.concat(program.getOptionsDiagnostics());
      if (!options.listFilesOnly) {
        all = all.concat(program.getGlobalDiagnostics());
        if (all.length === configCount) {
          all = all.concat(program.getSemanticDiagnostics());
        }
        if (options.noEmit && (options.declaration || options.composite) && all.length === configCount) {
          all = all.concat(program.getDeclarationDiagnostics());
        }
      }
    }
    if (!options.listFilesOnly) {
      all = all.concat(program.emit(undefined, () => {}).diagnostics);
    }
    return ts.sortAndDeduplicateDiagnostics(all).map(toJSON);
  }

  function toJSON(d) {
    const out = {
      category: ts.DiagnosticCategory[d.category].toLowerCase(),
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    };
    if (d.file) {
      const at = ts.getLineAndCharacterOfPosition(d.file, d.start || 0);
      out.file = slashes(path.relative(cwd, path.resolve(cwd, d.file.fileName)));
      out.line = at.line + 1;
      out.column = at.character + 1;
    }
    return out;
  }

  class Project {
    constructor(configPath, compiler) {
      this.configPath = configPath;
      this.compiler = compiler;
      // Registrations made by the compiler, keyed by canonical absolute path.
      this.fileWatchers = new Map(); // key -> Set of {callback, name, existed}
      this.directoryWatchers = new Set(); // {key, dir, recursive, callback}
      // The watch program debounces rebuilds with a 250ms timer; the timers
      // are kept here and run synchronously when the project is asked for,
      // so a request is answered by the rebuild it caused.
      this.timers = new Map();
      this.lastTimer = 0;
      this.held = new Set(); // keys of the shared files its program uses
      this.stale = false; // a shared file it uses changed: rebuild
      this.settings = "";
      this.latest = [];
      this.reported = []; // diagnostics the host reported outside a program (fatal config errors)
      this.watch = undefined;
    }

    system() {
      return Object.assign({}, ts.sys, {
        write: (s) => process.stderr.write(s),
        writeOutputIsTTY: () => false,
        clearScreen: undefined,
        // Never write: the check is --noEmit, and not even a .tsbuildinfo is left behind.
        writeFile: () => {},
        createDirectory: () => {},
        exit: (code) => {
          throw new Exit("compiler asked to exit with status " + code);
        },
        setTimeout: (callback, _ms, ...args) => {
          const handle = ++this.lastTimer;
          this.timers.set(handle, () => callback(...args));
          return handle;
        },
        clearTimeout: (handle) => {
          this.timers.delete(handle);
        },
        watchFile: (fileName, callback) => {
          const key = keyOf(fileName);
          const watcher = { callback, name: fileName, existed: fs.existsSync(fileName) };
          let set = this.fileWatchers.get(key);
          if (!set) this.fileWatchers.set(key, (set = new Set()));
          set.add(watcher);
          return {
            close: () => {
              set.delete(watcher);
              if (set.size === 0 && this.fileWatchers.get(key) === set) this.fileWatchers.delete(key);
            },
          };
        },
        watchDirectory: (directoryName, callback, recursive) => {
          const watcher = { key: keyOf(directoryName), recursive: !!recursive, callback };
          watcher.dir = slashes(path.resolve(cwd, directoryName));
          this.directoryWatchers.add(watcher);
          return { close: () => this.directoryWatchers.delete(watcher) };
        },
      });
    }

    // open builds the program: the first full check.
    open() {
      const createProgram = (rootNames, options, compilerHost, oldProgram, configDiagnostics, references) => {
        this.settings = settingsKey(options || {});
        if (compilerHost && !compilerHost.preflightShared) {
          const getSourceFile = compilerHost.getSourceFile;
          const getSourceFileByPath = compilerHost.getSourceFileByPath;
          compilerHost.getSourceFile = (fileName, parseOptions, ...rest) =>
            sharedSourceFile(this, fileName, parseOptions) || getSourceFile(fileName, parseOptions, ...rest);
          if (getSourceFileByPath) {
            compilerHost.getSourceFileByPath = (fileName, filePath, parseOptions, ...rest) =>
              sharedSourceFile(this, fileName, parseOptions) || getSourceFileByPath(fileName, filePath, parseOptions, ...rest);
          }
          compilerHost.preflightShared = true;
        }
        return ts.createEmitAndSemanticDiagnosticsBuilderProgram(rootNames, options, compilerHost, oldProgram, configDiagnostics, references);
      };
      const host = ts.createWatchCompilerHost(
        this.configPath,
        { noEmit: true },
        this.system(),
        createProgram,
        (d) => this.reported.push(toJSON(d)),
        () => {},
      );
      host.afterProgramCreate = (program) => {
        this.latest = collect(program);
      };
      this.watch = ts.createWatchProgram(host);
      this.flushTimers();
    }

    close() {
      if (this.watch) {
        try {
          this.watch.close();
        } catch {
          // A program that failed half-way may not close cleanly; it is dropped all the same.
        }
      }
      this.watch = undefined;
      this.timers.clear();
      this.fileWatchers.clear();
      this.directoryWatchers.clear();
      releaseShared(this);
      this.stale = false;
    }

    flushTimers() {
      for (let guard = 0; this.timers.size > 0; guard++) {
        if (guard > 10000) throw new Error("timers keep rescheduling themselves");
        const [handle, run] = this.timers.entries().next().value;
        this.timers.delete(handle);
        run();
      }
    }

    // fire delivers one changed path the way a file system watcher would have.
    fire(absolute, key, exists) {
      const watchers = this.fileWatchers.get(key);
      if (watchers) {
        for (const w of [...watchers]) {
          if (!exists && !w.existed) continue;
          const kind = !exists
            ? ts.FileWatcherEventKind.Deleted
            : w.existed
              ? ts.FileWatcherEventKind.Changed
              : ts.FileWatcherEventKind.Created;
          w.existed = exists;
          w.callback(absolute, kind);
        }
      }
      for (const w of [...this.directoryWatchers]) {
        if (key === w.key) {
          w.callback(absolute);
          continue;
        }
        const prefix = w.key.endsWith("/") ? w.key : w.key + "/";
        if (!key.startsWith(prefix)) continue;
        if (w.recursive) {
          w.callback(absolute);
          continue;
        }
        // A plain directory watcher sees only its own entries: a change deeper
        // down shows up as the entry on the way there (a new directory, say).
        const entry = absolute.slice(prefix.length).split("/")[0];
        w.callback(w.dir.replace(/\/$/, "") + "/" + entry);
      }
    }

    // reconcile tells the compiler about every watched file whose existence
    // changed without an event saying so: events are lost when preflight's
    // watcher overflows in a burst, and a file created and deleted in one
    // burst may be reported only once. A vanished file left in the program
    // would be reported as TS6053 "file not found" until the next restart.
    reconcile() {
      for (const [key, watchers] of [...this.fileWatchers]) {
        for (const w of [...watchers]) {
          const exists = fs.existsSync(w.name);
          if (exists !== w.existed) {
            this.fire(slashes(path.resolve(cwd, w.name)), key, exists);
            break;
          }
        }
      }
    }
  }

  const compiler = {
    ts,
    version: ts.version,
    newProject: (configPath) => new Project(configPath, compiler),
    // changed tells the shared files of this compiler that a path changed.
    changed: (key) => {
      if (!shareable(key)) return;
      for (const [cacheKey] of [...sharedFiles]) {
        if (cacheKey.endsWith("\0" + key)) dropShared(cacheKey);
      }
    },
  };
  return compiler;
}

// ---- The projects of this process ----

const projects = new Map(); // config key -> Project, least recently asked for first

function touch(key, project) {
  projects.delete(key);
  projects.set(key, project);
}

// evict drops the programs asked for least recently until one more fits.
function evict() {
  let live = 0;
  for (const p of projects.values()) if (p.watch) live++;
  for (const p of projects.values()) {
    if (live < maxPrograms) break;
    if (!p.watch) continue;
    p.close();
    live--;
  }
}

function fireEverywhere(changedPath) {
  const absolute = slashes(path.resolve(cwd, changedPath));
  const key = keyOf(absolute);
  const exists = fs.existsSync(absolute);
  for (const compiler of compilers.values()) compiler.changed(key);
  for (const p of projects.values()) {
    if (p.watch) p.fire(absolute, key, exists);
  }
}

function check(request) {
  const compiler = compilerAt(request.typescript);
  const key = keyOf(request.project);
  let project = projects.get(key);
  if (project && project.compiler !== compiler) {
    project.close(); // the project now uses another compiler
    project = undefined;
  }
  if (!project) project = compiler.newProject(path.resolve(cwd, request.project));
  touch(key, project);
  for (const changed of request.changed || []) fireEverywhere(changed);
  if (project.watch && (request.fresh || project.stale)) project.close();
  if (!project.watch) {
    project.reported = [];
    evict(); // make room first: the old program's memory can go while the new one is built
    project.open();
  } else {
    project.reconcile();
    project.flushTimers();
  }
  return { version: compiler.version, diagnostics: project.latest };
}

send({ ready: true });

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (line.trim() === "") return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    send({ id: 0, error: "unreadable request: " + err.message });
    return;
  }
  if (request.close) {
    const key = keyOf(request.project);
    const project = projects.get(key);
    if (project) project.close();
    projects.delete(key);
    return;
  }
  try {
    send(Object.assign({ id: request.id }, check(request)));
  } catch (err) {
    const key = keyOf(request.project || "");
    const project = projects.get(key);
    send({
      id: request.id,
      error: err instanceof Exit ? err.message : String(err && err.stack ? err.stack : err),
      diagnostics: project ? project.reported : [],
    });
    if (project) {
      project.close();
      projects.delete(key);
    }
  }
});
input.on("close", () => process.exit(0));

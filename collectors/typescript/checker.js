// Long-lived type-checker for one TypeScript project, driven over stdio.
//
//   node -e <this file> -- <path to typescript.js> <path to tsconfig.json>
//
// It loads the project's own compiler and keeps a watch program (the engine
// behind `tsc --watch`) alive, but it never watches the file system itself:
// every watchFile/watchDirectory registration is only recorded, and the
// caller, which already watches the tree, tells it what changed.
//
// Protocol, one JSON object per line:
//   stdout, once: {"ready":true,"version":"5.9.3"}   the first check is done
//             or: {"fatal":"…","diagnostics":[…]}     could not start; exits
//   stdin:        {"id":1,"changed":["/abs/path.ts"]} absolute paths
//   stdout:       {"id":1,"diagnostics":[…]}          or {"id":1,"error":"…"}
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

const [typescriptPath, configPath] = process.argv.slice(1);
let ts;
try {
  ts = require(typescriptPath);
} catch (err) {
  send({ fatal: "cannot load TypeScript from " + typescriptPath + ": " + err.message });
  process.exit(1);
}

const cwd = process.cwd();
const canonical = ts.sys.useCaseSensitiveFileNames ? (s) => s : (s) => s.toLowerCase();
const keyOf = (p) => canonical(path.resolve(cwd, p).split(path.sep).join("/"));
const slashes = (p) => p.split(path.sep).join("/");

// Registrations made by the compiler, keyed by canonical absolute path.
const fileWatchers = new Map(); // key -> Set of {callback, existed}
const directoryWatchers = new Set(); // {key, recursive, callback}

// The watch program debounces rebuilds with a 250ms timer; the timers are
// kept here and run synchronously once a request's callbacks have fired, so
// a request is answered by the rebuild it caused.
const timers = new Map();
let lastTimer = 0;

function flushTimers() {
  for (let guard = 0; timers.size > 0; guard++) {
    if (guard > 10000) throw new Error("timers keep rescheduling themselves");
    const [handle, run] = timers.entries().next().value;
    timers.delete(handle);
    run();
  }
}

class Exit extends Error {}

const system = Object.assign({}, ts.sys, {
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
    const handle = ++lastTimer;
    timers.set(handle, () => callback(...args));
    return handle;
  },
  clearTimeout: (handle) => {
    timers.delete(handle);
  },
  watchFile: (fileName, callback) => {
    const key = keyOf(fileName);
    const watcher = { callback, name: fileName, existed: fs.existsSync(fileName) };
    let set = fileWatchers.get(key);
    if (!set) fileWatchers.set(key, (set = new Set()));
    set.add(watcher);
    return {
      close: () => {
        set.delete(watcher);
        if (set.size === 0 && fileWatchers.get(key) === set) fileWatchers.delete(key);
      },
    };
  },
  watchDirectory: (directoryName, callback, recursive) => {
    const watcher = { key: keyOf(directoryName), recursive: !!recursive, callback };
    watcher.dir = slashes(path.resolve(cwd, directoryName));
    directoryWatchers.add(watcher);
    return { close: () => directoryWatchers.delete(watcher) };
  },
});

// fire delivers one changed path the way a file system watcher would have.
function fire(changedPath) {
  const absolute = slashes(path.resolve(cwd, changedPath));
  const key = keyOf(absolute);
  const exists = fs.existsSync(absolute);
  const watchers = fileWatchers.get(key);
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
  for (const w of [...directoryWatchers]) {
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
function reconcile() {
  for (const [, watchers] of [...fileWatchers]) {
    for (const w of [...watchers]) {
      if (!w.name) continue;
      if (fs.existsSync(w.name) !== w.existed) {
        fire(w.name);
        break;
      }
    }
  }
}

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

let latest = [];
const reported = []; // diagnostics the host reported outside a program (fatal config errors)

const host = ts.createWatchCompilerHost(
  configPath,
  { noEmit: true },
  system,
  undefined,
  (d) => reported.push(toJSON(d)),
  () => {},
);
host.afterProgramCreate = (program) => {
  latest = collect(program);
};

try {
  ts.createWatchProgram(host);
  flushTimers();
} catch (err) {
  send({ fatal: err instanceof Exit ? err.message : String(err && err.stack ? err.stack : err), diagnostics: reported });
  process.exit(1);
}
send({ ready: true, version: ts.version });

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
  try {
    for (const changed of request.changed || []) fire(changed);
    reconcile();
    flushTimers();
    send({ id: request.id, diagnostics: latest });
  } catch (err) {
    send({ id: request.id, error: String(err && err.stack ? err.stack : err), diagnostics: reported });
    if (err instanceof Exit) process.exit(1);
  }
});
input.on("close", () => process.exit(0));

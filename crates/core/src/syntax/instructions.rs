//! BuildKit's second layer: typed commands, after
//! `frontend/dockerfile/instructions/parse.go` (`ParseInstruction`,
//! `parseFrom`, `parseRun`, `parseCmd`, `parseEntrypoint`, `parseKvps`,
//! `parseSourcesAndDest`, `parseAdd`, `parseCopy`, `parseHealthcheck`,
//! `parseOnBuild`, `parseShell`, `parseArg`, …), `bflag.go` (`BFlags.Parse`)
//! and `commands_runmount.go` (see [`super::mount`]).
//!
//! Values stay as written (no variable expansion); use
//! [`super::shell::expand`] with an environment to expand them.

use super::lines::{self, RawInstr};
use super::mount::{self, Mount};
use super::node::{lower_keyword, KW_MAX};
use super::node::{Next, RawNode, Val};
use super::{cat, parse_uint, Flag, Heredoc, Instruction, Span, Spanned, Stage};
use serde::Serialize;

/// A key/value pair of ENV or LABEL (or ARG with a default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
    /// Legacy `ENV k v` form (no `=`).
    pub legacy: bool,
}

/// CMD/ENTRYPOINT/RUN/HEALTHCHECK command: exec form or shell form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandLine {
    /// True for the shell form (BuildKit's `PrependShell`).
    pub shell: bool,
    /// Exec form: the array; shell form: one element, the command text.
    pub args: Vec<String>,
}

/// An inline file from a heredoc source of COPY/ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceContent {
    pub path: String,
    /// Chomped when the heredoc was `<<-`.
    pub data: String,
    pub expand: bool,
}

/// Shared by COPY and ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyArgs {
    pub sources: Vec<String>,
    pub source_contents: Vec<SourceContent>,
    pub dest: String,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    pub parents: bool,
    pub exclude: Vec<String>,
    /// ADD only.
    pub checksum: Option<String>,
    pub keep_git_dir: bool,
    pub unpack: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `HEALTHCHECK NONE`.
    pub none: bool,
    pub command: Option<CommandLine>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub retries: Option<String>,
}

/// The typed command. Serialized with a `"kind"` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    From {
        image: String,
        name: Option<String>,
        platform: Option<String>,
    },
    Run {
        command: CommandLine,
        mounts: Vec<Mount>,
        network: Option<String>,
        security: Option<String>,
        devices: Vec<String>,
    },
    Cmd {
        command: CommandLine,
    },
    Entrypoint {
        command: CommandLine,
    },
    Shell {
        shell: Vec<String>,
    },
    Label {
        pairs: Vec<KeyValue>,
    },
    Env {
        pairs: Vec<KeyValue>,
    },
    Maintainer {
        name: String,
    },
    Expose {
        ports: Vec<String>,
    },
    Add(CopyArgs),
    Copy(CopyArgs),
    Volume {
        paths: Vec<String>,
    },
    User {
        user: String,
    },
    Workdir {
        path: String,
    },
    Arg {
        args: Vec<ArgDef>,
    },
    Onbuild {
        trigger: Box<Command>,
        expression: String,
    },
    Stopsignal {
        signal: String,
    },
    Healthcheck(Healthcheck),
    /// An unknown keyword, or a malformed instruction (see `error`).
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgDef {
    pub name: String,
    pub default: Option<String>,
}

/// Builds the public [`Instruction`] from a raw line-loop instruction,
/// moving its strings rather than copying them.
pub fn build(mut ri: RawInstr<'_>, escape: char) -> Instruction {
    let node = core::mem::replace(&mut ri.node, Err(String::new()));
    let mut ins = Instruction {
        keyword: String::new(),
        keyword_span: Span {
            start: ri.span.start,
            end: ri.span.start,
        },
        span: ri.span,
        start: ri.start,
        end: ri.end,
        flags: Vec::new(),
        arguments: Vec::new(),
        json: false,
        heredocs: Vec::new(),
        command: Command::Invalid,
        stage: None,
        error: None,
        parsed: false,
        sub: None,
    };
    match node {
        Ok(node) => {
            match typed(&node, &ri.heredocs, &ri.line, escape) {
                Ok(c) => ins.command = c,
                Err(e) => ins.error = Some(e),
            }
            if ins.error.is_none() {
                ins.error = ri.heredoc_error.take();
            }
            let RawNode {
                cmd,
                flags,
                next,
                json,
                ..
            } = node;
            ins.keyword_span = ri.src(cmd.lo, cmd.hi);
            ins.keyword = cmd.text;
            ins.keyword.make_ascii_uppercase();
            ins.flags = flags.into_iter().map(|f| to_flag(f, &ri)).collect();
            ins.json = json;
            ins.parsed = true;
            match next {
                Next::Values(v) => {
                    ins.arguments = v
                        .into_iter()
                        .map(|v| Spanned {
                            span: ri.src(v.lo, v.hi),
                            value: v.text,
                        })
                        .collect();
                }
                Next::Sub(child) => ins.sub = Some(child),
            }
        }
        Err(e) => {
            // Recover the keyword so the outline still shows the line.
            let t = &ri.line;
            let kw_end = t
                .trim_start()
                .find(|c: char| c.is_whitespace())
                .unwrap_or(t.trim_start().len());
            let lead = t.len() - t.trim_start().len();
            ins.keyword = t[lead..lead + kw_end].to_ascii_uppercase();
            ins.keyword_span = ri.src(lead, lead + kw_end);
            ins.error = Some(e);
        }
    }
    ins.heredocs = core::mem::take(&mut ri.heredocs)
        .into_iter()
        .map(|h| Heredoc {
            name: h.name,
            fd: h.fd,
            expand: h.expand,
            chomp: h.chomp,
            content: h.content,
            body_span: h.body,
        })
        .collect();
    ins
}

/// `--name[=value]` (BuildKit's reconstructed text) into a [`Flag`].
fn to_flag(f: Val, ri: &RawInstr<'_>) -> Flag {
    let span = ri.src(f.lo, f.hi);
    let mut name = f.text;
    let value = name.find('=').map(|eq| {
        let v = name[eq + 1..].to_string();
        name.truncate(eq);
        v
    });
    if name.starts_with("--") {
        name.drain(..2);
    }
    Flag { name, value, span }
}

#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    Bool,
    Str,
    Strings,
}

/// Parsed flags (`BFlags`): name → values.
struct Flags<'a>(Vec<(&'static str, FlagType, Vec<&'a str>)>);

impl Flags<'_> {
    fn last(&self, n: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|f| f.0 == n)
            .and_then(|f| f.2.last().copied())
    }
    fn get(&self, n: &str) -> Option<String> {
        self.last(n).map(str::to_string)
    }
    fn all(&self, n: &str) -> Vec<String> {
        self.0
            .iter()
            .find(|f| f.0 == n)
            .map(|f| f.2.iter().map(|v| v.to_string()).collect())
            .unwrap_or_default()
    }
    fn bool(&self, n: &str) -> bool {
        self.last(n) == Some("true")
    }
}

/// `BFlags.Parse` with the flags a command declares.
fn parse_flags<'a>(
    node: &'a RawNode,
    decl: &[(&'static str, FlagType)],
) -> Result<Flags<'a>, String> {
    let mut out = Flags(decl.iter().map(|(n, t)| (*n, *t, Vec::new())).collect());
    for arg in &node.flags {
        let a = &arg.text;
        let Some(body) = a.strip_prefix("--") else {
            return Err(cat(&["arg should start with -- : ", a]));
        };
        if a == "--" {
            break;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some(slot) = out.0.iter_mut().find(|f| f.0 == name) else {
            return Err(cat(&["unknown flag: ", name]));
        };
        if !slot.2.is_empty() && slot.1 != FlagType::Strings {
            return Err(cat(&["duplicate flag specified: ", name]));
        }
        match slot.1 {
            FlagType::Bool => {
                if value == Some("") {
                    return Err(cat(&["missing a value on flag: ", name]));
                }
                let v = value.unwrap_or("");
                if v.is_empty() || v.eq_ignore_ascii_case("true") {
                    slot.2.push("true");
                } else if v.eq_ignore_ascii_case("false") {
                    slot.2.push("false");
                } else {
                    return Err(cat(&[
                        "expecting boolean value for flag ",
                        name,
                        ", not: ",
                        v,
                    ]));
                }
            }
            FlagType::Str | FlagType::Strings => match value {
                None => return Err(cat(&["missing a value on flag: ", name])),
                Some(v) => slot.2.push(v),
            },
        }
    }
    Ok(out)
}

fn values(node: &RawNode) -> Vec<&str> {
    match &node.next {
        Next::Values(v) => v.iter().map(|v| v.text.as_str()).collect(),
        Next::Sub(_) => Vec::new(),
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

fn command_line(node: &RawNode, args: &[&str]) -> CommandLine {
    if node.json {
        CommandLine {
            shell: false,
            args: strings(args),
        }
    } else {
        // handleJSONArgs: the shell form is the single, joined string.
        CommandLine {
            shell: true,
            args: if args.is_empty() {
                Vec::new()
            } else {
                vec![args.join(" ")]
            },
        }
    }
}

fn exactly_one(cmd: &str, args: &[&str]) -> Result<String, String> {
    if args.len() != 1 {
        return Err(cat(&[cmd, " requires exactly one argument"]));
    }
    Ok(args[0].to_string())
}

fn kvps(args: &[&str], cmd: &str) -> Result<Vec<KeyValue>, String> {
    if args.is_empty() {
        return Err(cat(&[cmd, " requires at least one argument"]));
    }
    if args.len() % 3 != 0 {
        return Err(cat(&["Bad input to ", cmd, ", too many arguments"]));
    }
    Ok(args
        .chunks(3)
        .map(|c| KeyValue {
            key: c[0].to_string(),
            value: c[1].to_string(),
            legacy: c[2].is_empty(),
        })
        .collect())
}

/// `ParseInstruction`.
fn typed(
    node: &RawNode,
    heredocs: &[lines::RawHeredoc],
    line: &str,
    escape: char,
) -> Result<Command, String> {
    use FlagType::*;
    let mut buf = [0u8; KW_MAX];
    let kw = lower_keyword(&node.cmd.text, &mut buf);
    let args = values(node);
    let no_flags = |n: &RawNode| parse_flags(n, &[]).map(drop);
    Ok(match kw {
        "from" => {
            let f = parse_flags(node, &[("platform", Str)])?;
            if args.len() != 1 && args.len() != 3 {
                return Err("FROM requires either one or three arguments".into());
            }
            let mut name = None;
            if args.len() == 3 {
                if !args[1].eq_ignore_ascii_case("as") {
                    return Err("FROM requires either one or three arguments".into());
                }
                let n = args[2].to_ascii_lowercase();
                if !valid_stage_name(&n) {
                    let q = super::dump::go_quote(args[2]);
                    return Err(cat(&[
                        "invalid name for build stage: ",
                        &q,
                        ", name can't start with a number or contain symbols",
                    ]));
                }
                name = Some(n);
            }
            Command::From {
                image: args[0].to_string(),
                name,
                platform: f.get("platform"),
            }
        }
        "run" => {
            let f = parse_flags(
                node,
                &[
                    ("mount", Strings),
                    ("network", Str),
                    ("security", Str),
                    ("device", Strings),
                ],
            )?;
            let mounts = f
                .all("mount")
                .iter()
                .map(|m| mount::parse_mount(m))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(n) = f.last("network") {
                if !matches!(n, "default" | "none" | "host") && !n.contains('$') {
                    return Err(cat(&[
                        "unsupported network mode ",
                        &super::dump::go_quote(n),
                    ]));
                }
            }
            if let Some(s) = f.last("security") {
                if !matches!(s, "sandbox" | "insecure") && !s.contains('$') {
                    return Err(cat(&[
                        "unsupported security mode ",
                        &super::dump::go_quote(s),
                    ]));
                }
            }
            Command::Run {
                command: command_line(node, &args),
                mounts,
                network: f.get("network"),
                security: f.get("security"),
                devices: f.all("device"),
            }
        }
        "cmd" => {
            no_flags(node)?;
            Command::Cmd {
                command: command_line(node, &args),
            }
        }
        "entrypoint" => {
            no_flags(node)?;
            Command::Entrypoint {
                command: command_line(node, &args),
            }
        }
        "shell" => {
            no_flags(node)?;
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
            if args.is_empty() {
                return Err("SHELL requires at least one argument".into());
            }
            Command::Shell {
                shell: strings(&args),
            }
        }
        "label" => {
            no_flags(node)?;
            Command::Label {
                pairs: kvps(&args, "LABEL")?,
            }
        }
        "env" => {
            no_flags(node)?;
            Command::Env {
                pairs: kvps(&args, "ENV")?,
            }
        }
        "maintainer" => {
            no_flags(node)?;
            Command::Maintainer {
                name: exactly_one("MAINTAINER", &args)?,
            }
        }
        "expose" => {
            no_flags(node)?;
            if args.is_empty() {
                return Err("EXPOSE requires at least one argument".into());
            }
            Command::Expose {
                ports: strings(&args),
            }
        }
        "add" | "copy" => {
            let add = kw == "add";
            let kw = if add { "ADD" } else { "COPY" };
            let decl: &[(&'static str, FlagType)] = if add {
                &[
                    ("chown", Str),
                    ("chmod", Str),
                    ("link", Bool),
                    ("keep-git-dir", Bool),
                    ("checksum", Str),
                    ("exclude", Strings),
                    ("unpack", Bool),
                ]
            } else {
                &[
                    ("from", Str),
                    ("chown", Str),
                    ("chmod", Str),
                    ("link", Bool),
                    ("parents", Bool),
                    ("exclude", Strings),
                ]
            };
            let f = parse_flags(node, decl)?;
            if args.len() < 2 {
                return Err(cat(&[
                    kw,
                    " requires at least two arguments, but only one was provided. Destination could not be determined",
                ]));
            }
            let (dest, srcs) = args
                .split_last()
                .map(|(d, s)| (d.to_string(), s))
                .unwrap_or_default();
            if lines::parse_heredoc(&dest).ok().flatten().is_some() {
                return Err(cat(&[kw, " cannot accept a heredoc as a destination"]));
            }
            let mut sources = Vec::new();
            let mut source_contents = Vec::new();
            for s in srcs {
                match lines::parse_heredoc(s).ok().flatten() {
                    Some(h) => {
                        let content = heredocs
                            .iter()
                            .find(|d| d.name == h.name)
                            .map(|d| d.content.clone())
                            .unwrap_or_default();
                        let data = if h.chomp { chomp(&content) } else { content };
                        source_contents.push(SourceContent {
                            path: h.name,
                            data,
                            expand: h.expand,
                        });
                    }
                    None => sources.push(s.to_string()),
                }
            }
            let a = CopyArgs {
                sources,
                source_contents,
                dest,
                from: f.get("from"),
                chown: f.get("chown"),
                chmod: f.get("chmod"),
                link: f.bool("link"),
                parents: f.bool("parents"),
                exclude: f.all("exclude"),
                checksum: f.get("checksum"),
                keep_git_dir: f.bool("keep-git-dir"),
                unpack: f.get("unpack").map(|v| v == "true"),
            };
            if add {
                Command::Add(a)
            } else {
                Command::Copy(a)
            }
        }
        "volume" => {
            no_flags(node)?;
            if args.is_empty() {
                return Err("VOLUME requires at least one argument".into());
            }
            if args.iter().any(|a| a.trim().is_empty()) {
                return Err("VOLUME specified can not be an empty string".into());
            }
            Command::Volume {
                paths: strings(&args),
            }
        }
        "user" => {
            no_flags(node)?;
            Command::User {
                user: exactly_one("USER", &args)?,
            }
        }
        "workdir" => {
            no_flags(node)?;
            Command::Workdir {
                path: exactly_one("WORKDIR", &args)?,
            }
        }
        "arg" => {
            no_flags(node)?;
            if args.is_empty() {
                return Err("ARG requires at least one argument".into());
            }
            let mut defs = Vec::new();
            for a in &args {
                let (name, default) = match a.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (a.to_string(), None),
                };
                if name.is_empty() {
                    return Err(cat(&["ARG names can not be blank: ", a]));
                }
                defs.push(ArgDef { name, default });
            }
            Command::Arg { args: defs }
        }
        "onbuild" => {
            no_flags(node)?;
            let Next::Sub(child) = &node.next else {
                return Err("ONBUILD requires at least one argument".into());
            };
            let mut buf = [0u8; KW_MAX];
            match lower_keyword(&child.cmd.text, &mut buf) {
                "onbuild" => {
                    return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into())
                }
                "from" => return Err("FROM isn't allowed as an ONBUILD trigger".into()),
                "maintainer" => return Err("MAINTAINER isn't allowed as an ONBUILD trigger".into()),
                _ => {}
            }
            let trigger = typed(child, heredocs, line, escape)?;
            Command::Onbuild {
                trigger: Box::new(trigger),
                expression: line[node.args_lo..node.args_hi].to_string(),
            }
        }
        "stopsignal" => {
            no_flags(node)?;
            Command::Stopsignal {
                signal: exactly_one("STOPSIGNAL", &args)?,
            }
        }
        "healthcheck" => {
            if args.is_empty() {
                return Err("HEALTHCHECK requires an argument".into());
            }
            let typ = args[0];
            if typ.eq_ignore_ascii_case("NONE") {
                if args.len() != 1 {
                    return Err("HEALTHCHECK NONE takes no arguments".into());
                }
                no_flags(node)?;
                Command::Healthcheck(Healthcheck {
                    none: true,
                    command: None,
                    interval: None,
                    timeout: None,
                    start_period: None,
                    start_interval: None,
                    retries: None,
                })
            } else if typ.eq_ignore_ascii_case("CMD") {
                let f = parse_flags(
                    node,
                    &[
                        ("interval", Str),
                        ("timeout", Str),
                        ("start-period", Str),
                        ("start-interval", Str),
                        ("retries", Str),
                    ],
                )?;
                let cmd = &args[1..];
                if cmd.is_empty() {
                    return Err("Missing command after HEALTHCHECK CMD".into());
                }
                if let Some(r) = f.last("retries") {
                    // strconv.Atoi-like: an optional sign, then digits.
                    let (neg, digits) = match r.strip_prefix('-') {
                        Some(d) => (true, d),
                        None => (false, r.strip_prefix('+').unwrap_or(r)),
                    };
                    match parse_uint(digits, 10) {
                        Some(n) if !neg && n <= i64::MAX as u64 || neg && n == 0 => {}
                        Some(n) if neg && n <= 1 << 63 => {
                            return Err("--retries cannot be negative".into())
                        }
                        _ => return Err(cat(&["invalid retries value: ", r])),
                    }
                }
                Command::Healthcheck(Healthcheck {
                    none: false,
                    command: Some(command_line(node, cmd)),
                    interval: f.get("interval"),
                    timeout: f.get("timeout"),
                    start_period: f.get("start-period"),
                    start_interval: f.get("start-interval"),
                    retries: f.get("retries"),
                })
            } else {
                return Err(cat(&[
                    "Unknown type ",
                    &super::dump::go_quote(args[0]),
                    " in HEALTHCHECK (try CMD)",
                ]));
            }
        }
        "" => return Err("empty instruction".into()),
        _ => return Err(cat(&["unknown instruction: ", &node.cmd.text])),
    })
}

/// `ChompHeredocContent`: strip leading tabs of every line.
fn chomp(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for l in s.split_inclusive('\n') {
        out.push_str(l.trim_start_matches('\t'));
    }
    out
}

/// `^[a-z][a-z0-9-_\.]*$` (parse.go `validStageName`).
fn valid_stage_name(n: &str) -> bool {
    let b = n.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[1..].iter().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
        })
}

type Diags = Vec<(bool, String, Span)>;

/// Groups instructions into stages (`instructions.Parse`): ARGs before the
/// first FROM are global; any other instruction there is an error.
pub fn stages(ins: &mut [Instruction], diags: &mut Diags) -> (Vec<Stage>, Vec<usize>) {
    let mut stages: Vec<Stage> = Vec::new();
    let mut globals = Vec::new();
    // name → first stage with that name: the names sorted once (stably, so
    // the first stage comes first) and binary-searched. O(n log n) without a
    // hash map, which would cost the wasm 1.5 KB gzip.
    let mut named: Vec<(String, usize)> = Vec::new();
    for from in ins
        .iter()
        .filter_map(|i| match &i.command {
            Command::From { name, .. } => Some(name),
            _ => None,
        })
        .enumerate()
    {
        if let (stage, Some(n)) = from {
            named.push((n.clone(), stage));
        }
    }
    crate::sort::sort_by(&mut named, |a, b| a.0.cmp(&b.0));
    let first_stage = |n: &str| {
        let at = named.partition_point(|p| p.0.as_str() < n);
        named.get(at).filter(|p| p.0 == n).map(|p| p.1)
    };
    for i in 0..ins.len() {
        if let Command::From {
            image,
            name,
            platform,
        } = &ins[i].command
        {
            let base_stage = first_stage(&image.to_ascii_lowercase()).filter(|&s| s < stages.len());
            if let Some(n) = name {
                if first_stage(n) != Some(stages.len()) {
                    diags.push((
                        true,
                        cat(&["duplicate stage name ", &super::dump::go_quote(n)]),
                        ins[i].span,
                    ));
                }
            }
            stages.push(Stage {
                index: stages.len(),
                name: name.clone(),
                base: image.clone(),
                base_stage,
                platform: platform.clone(),
                from: i,
                instructions: Vec::new(),
                span: ins[i].span,
            });
        }
        match stages.last_mut() {
            Some(s) => {
                s.instructions.push(i);
                s.span.end = ins[i].span.end;
                ins[i].stage = Some(s.index);
            }
            None => {
                if matches!(ins[i].command, Command::Arg { .. }) {
                    globals.push(i);
                } else if ins[i].error.is_none() {
                    let msg = "no build stage in current context".to_string();
                    diags.push((true, msg.clone(), ins[i].span));
                    ins[i].error = Some(msg);
                }
            }
        }
    }
    (stages, globals)
}

//! BuildKit's second layer: typed commands, after
//! `frontend/dockerfile/instructions/parse.go` (`ParseInstruction`,
//! `parseFrom`, `parseRun`, `parseCmd`, `parseEntrypoint`, `parseKvps`,
//! `parseSourcesAndDest`, `parseAdd`, `parseCopy`, `parseHealthcheck`,
//! `parseOnBuild`, `parseShell`, `parseArg`, …), `bflag.go` (`BFlags.Parse`)
//! and `commands_runmount.go` (see [`super::mount`]).
//!
//! Values stay as written (no variable expansion); use
//! [`super::shell::expand`] with an environment to expand them.
//!
//! One function an instruction (`from`, `run`, `copy_args`, …, dispatched
//! by `typed`), each reading its flags through its own flag table
//! (`RUN_FLAGS`, …) as `BFlags` does.
//!
//! Invariant: typing never fails the parse. A refused instruction is a
//! `ParseError`, turned into text in one place ([`build`], through
//! `ParseError::message`, in BuildKit's words: `buildkit_parity.rs`
//! compares them) and kept as [`Instruction::error`], which `parse` makes a
//! diagnostic; the instruction stays in the tree as [`Command::Invalid`].

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
        /// Why the trigger cannot be read (its command is then `Invalid`):
        /// a warning, as BuildKit reads it only when an image is built
        /// FROM this one.
        #[serde(skip_serializing_if = "Option::is_none")]
        trigger_error: Option<String>,
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
pub fn build(mut ri: RawInstr<'_>) -> Instruction {
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
        open_end: ri.open_end,
        parsed: false,
        sub: None,
    };
    match node {
        Ok(node) => {
            // The one place a typed error becomes text.
            match typed(&node, &ri.heredocs, &ri.line) {
                Ok(c) => ins.command = c,
                Err(e) => ins.error = Some(e.message()),
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

/// A flag's type, as `bflag.go` declares it (`AddBool`, `AddString`,
/// `AddStrings`).
#[derive(Clone, Copy, PartialEq)]
enum FlagKind {
    Bool,
    Str,
    /// May be given more than once.
    Strings,
}

/// One flag an instruction accepts.
struct FlagDecl {
    name: &'static str,
    kind: FlagKind,
}

const fn flag(name: &'static str, kind: FlagKind) -> FlagDecl {
    FlagDecl { name, kind }
}

// The flag table of each instruction (parse.go's `req.flags.Add…` calls).
const NO_FLAGS: &[FlagDecl] = &[];
const FROM_FLAGS: &[FlagDecl] = &[flag("platform", FlagKind::Str)];
const RUN_FLAGS: &[FlagDecl] = &[
    flag("mount", FlagKind::Strings),
    flag("network", FlagKind::Str),
    flag("security", FlagKind::Str),
    flag("device", FlagKind::Strings),
];
const ADD_FLAGS: &[FlagDecl] = &[
    flag("chown", FlagKind::Str),
    flag("chmod", FlagKind::Str),
    flag("link", FlagKind::Bool),
    flag("keep-git-dir", FlagKind::Bool),
    flag("checksum", FlagKind::Str),
    flag("exclude", FlagKind::Strings),
    flag("unpack", FlagKind::Bool),
];
const COPY_FLAGS: &[FlagDecl] = &[
    flag("from", FlagKind::Str),
    flag("chown", FlagKind::Str),
    flag("chmod", FlagKind::Str),
    flag("link", FlagKind::Bool),
    flag("parents", FlagKind::Bool),
    flag("exclude", FlagKind::Strings),
];
const HEALTHCHECK_FLAGS: &[FlagDecl] = &[
    flag("interval", FlagKind::Str),
    flag("timeout", FlagKind::Str),
    flag("start-period", FlagKind::Str),
    flag("start-interval", FlagKind::Str),
    flag("retries", FlagKind::Str),
];

/// Why BuildKit rejects an instruction: the errors of `instructions/parse.go`,
/// `bflag.go` and `commands_runmount.go`, typed. [`ParseError::message`] is
/// the one place they become text, in BuildKit's words (the parity test
/// compares them with BuildKit's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParseError<'a> {
    FlagWithoutDashes(&'a str),
    UnknownFlag(&'a str),
    DuplicateFlag(&'a str),
    MissingFlagValue(&'a str),
    NotBoolean {
        flag: &'a str,
        value: &'a str,
    },
    /// A `--mount` BuildKit refuses, with [`mount::parse_mount`]'s message.
    Mount(String),
    FromArguments,
    InvalidStageName(&'a str),
    UnsupportedNetwork(&'a str),
    UnsupportedSecurity(&'a str),
    ShellNotJson,
    /// `<KEYWORD> requires at least one argument`.
    AtLeastOne(&'static str),
    /// `<KEYWORD> requires exactly one argument`.
    ExactlyOne(&'static str),
    /// ENV or LABEL with a key and no value.
    TooManyArguments(&'static str),
    /// COPY or ADD with a single argument.
    NoDestination(&'static str),
    HeredocDestination(&'static str),
    EmptyVolume,
    BlankArgName(&'a str),
    ChainedOnbuild,
    /// FROM or MAINTAINER after ONBUILD.
    NotAnOnbuildTrigger(&'static str),
    HealthcheckWithoutArgument,
    HealthcheckNoneWithArguments,
    HealthcheckWithoutCommand,
    NegativeRetries,
    InvalidRetries(&'a str),
    UnknownHealthcheckType(&'a str),
    Empty,
    UnknownInstruction(&'a str),
}

impl ParseError<'_> {
    /// BuildKit's message for the error.
    pub(crate) fn message(&self) -> String {
        use super::dump::go_quote;
        use ParseError::*;
        match self {
            FlagWithoutDashes(a) => cat(&["arg should start with -- : ", a]),
            UnknownFlag(n) => cat(&["unknown flag: ", n]),
            DuplicateFlag(n) => cat(&["duplicate flag specified: ", n]),
            MissingFlagValue(n) => cat(&["missing a value on flag: ", n]),
            NotBoolean { flag, value } => cat(&[
                "expecting boolean value for flag ",
                flag,
                ", not: ",
                value,
            ]),
            Mount(m) => m.clone(),
            FromArguments => "FROM requires either one or three arguments".into(),
            InvalidStageName(n) => cat(&[
                "invalid name for build stage: ",
                &go_quote(n),
                ", name can't start with a number or contain symbols",
            ]),
            UnsupportedNetwork(n) => cat(&["unsupported network mode ", &go_quote(n)]),
            UnsupportedSecurity(s) => cat(&["unsupported security mode ", &go_quote(s)]),
            ShellNotJson => "SHELL requires the arguments to be in JSON form".into(),
            AtLeastOne(kw) => cat(&[kw, " requires at least one argument"]),
            ExactlyOne(kw) => cat(&[kw, " requires exactly one argument"]),
            TooManyArguments(kw) => cat(&["Bad input to ", kw, ", too many arguments"]),
            NoDestination(kw) => cat(&[
                kw,
                " requires at least two arguments, but only one was provided. Destination could not be determined",
            ]),
            HeredocDestination(kw) => cat(&[kw, " cannot accept a heredoc as a destination"]),
            EmptyVolume => "VOLUME specified can not be an empty string".into(),
            BlankArgName(a) => cat(&["ARG names can not be blank: ", a]),
            ChainedOnbuild => "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into(),
            NotAnOnbuildTrigger(kw) => cat(&[kw, " isn't allowed as an ONBUILD trigger"]),
            HealthcheckWithoutArgument => "HEALTHCHECK requires an argument".into(),
            HealthcheckNoneWithArguments => "HEALTHCHECK NONE takes no arguments".into(),
            HealthcheckWithoutCommand => "Missing command after HEALTHCHECK CMD".into(),
            NegativeRetries => "--retries cannot be negative".into(),
            InvalidRetries(r) => cat(&["invalid retries value: ", r]),
            UnknownHealthcheckType(t) => {
                cat(&["Unknown type ", &go_quote(t), " in HEALTHCHECK (try CMD)"])
            }
            Empty => "empty instruction".into(),
            UnknownInstruction(kw) => cat(&["unknown instruction: ", kw]),
        }
    }
}

type Parsed<'a, T> = Result<T, ParseError<'a>>;

/// The values given to each declared flag (`BFlags` after `Parse`), in the
/// order of the instruction's flag table.
struct Flags<'a> {
    decl: &'static [FlagDecl],
    values: Vec<Vec<&'a str>>,
}

impl<'a> Flags<'a> {
    fn given(&self, n: &str) -> &[&'a str] {
        self.decl
            .iter()
            .position(|d| d.name == n)
            .map_or(&[], |i| &self.values[i])
    }
    fn last(&self, n: &str) -> Option<&'a str> {
        self.given(n).last().copied()
    }
    fn get(&self, n: &str) -> Option<String> {
        self.last(n).map(str::to_string)
    }
    fn all(&self, n: &str) -> Vec<String> {
        strings(self.given(n))
    }
    fn bool(&self, n: &str) -> bool {
        self.last(n) == Some("true")
    }
}

/// `BFlags.Parse` against an instruction's flag table.
fn parse_flags<'a>(node: &'a RawNode, decl: &'static [FlagDecl]) -> Parsed<'a, Flags<'a>> {
    let mut out = Flags {
        decl,
        values: decl.iter().map(|_| Vec::new()).collect(),
    };
    for arg in &node.flags {
        let a = arg.text.as_str();
        let Some(body) = a.strip_prefix("--") else {
            return Err(ParseError::FlagWithoutDashes(a));
        };
        if a == "--" {
            break;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some(i) = decl.iter().position(|d| d.name == name) else {
            return Err(ParseError::UnknownFlag(name));
        };
        let (kind, slot) = (decl[i].kind, &mut out.values[i]);
        if !slot.is_empty() && kind != FlagKind::Strings {
            return Err(ParseError::DuplicateFlag(name));
        }
        slot.push(flag_value(kind, name, value)?);
    }
    Ok(out)
}

/// A flag's value as `BFlags` stores it (`true`/`false` for a boolean).
fn flag_value<'a>(kind: FlagKind, name: &'a str, value: Option<&'a str>) -> Parsed<'a, &'a str> {
    match (kind, value) {
        (_, Some("")) if kind == FlagKind::Bool => Err(ParseError::MissingFlagValue(name)),
        (FlagKind::Bool, None) => Ok("true"),
        (FlagKind::Bool, Some(v)) if v.eq_ignore_ascii_case("true") => Ok("true"),
        (FlagKind::Bool, Some(v)) if v.eq_ignore_ascii_case("false") => Ok("false"),
        (FlagKind::Bool, Some(v)) => Err(ParseError::NotBoolean {
            flag: name,
            value: v,
        }),
        (_, None) => Err(ParseError::MissingFlagValue(name)),
        (_, Some(v)) => Ok(v),
    }
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

/// One raw instruction on its way to a [`Command`]: its node, its argument
/// values, the heredocs of its line and the line's text.
struct Raw<'a> {
    node: &'a RawNode,
    args: Vec<&'a str>,
    heredocs: &'a [lines::RawHeredoc],
    line: &'a str,
}

impl<'a> Raw<'a> {
    fn flags(&self, decl: &'static [FlagDecl]) -> Parsed<'a, Flags<'a>> {
        parse_flags(self.node, decl)
    }
    fn no_flags(&self) -> Parsed<'a, ()> {
        self.flags(NO_FLAGS).map(drop)
    }
    fn command_line(&self) -> CommandLine {
        command_line(self.node, &self.args)
    }
    fn exactly_one(&self, kw: &'static str) -> Parsed<'a, String> {
        self.no_flags()?;
        match self.args[..] {
            [one] => Ok(one.to_string()),
            _ => Err(ParseError::ExactlyOne(kw)),
        }
    }
    /// At least one argument, all kept (EXPOSE, VOLUME, SHELL).
    fn at_least_one(&self, kw: &'static str) -> Parsed<'a, Vec<String>> {
        if self.args.is_empty() {
            return Err(ParseError::AtLeastOne(kw));
        }
        Ok(strings(&self.args))
    }
    /// `parseKvps`: key, value, separator triples (ENV, LABEL).
    fn kvps(&self, kw: &'static str) -> Parsed<'a, Vec<KeyValue>> {
        self.no_flags()?;
        let args = &self.args;
        if args.is_empty() {
            return Err(ParseError::AtLeastOne(kw));
        }
        if args.len() % 3 != 0 {
            return Err(ParseError::TooManyArguments(kw));
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
}

/// `ParseInstruction`: dispatch on the keyword, one function an instruction.
fn typed<'a>(
    node: &'a RawNode,
    heredocs: &'a [lines::RawHeredoc],
    line: &'a str,
) -> Parsed<'a, Command> {
    let mut buf = [0u8; KW_MAX];
    let kw = lower_keyword(&node.cmd.text, &mut buf);
    let r = Raw {
        node,
        args: values(node),
        heredocs,
        line,
    };
    match kw {
        "from" => from(&r),
        "run" => run(&r),
        "cmd" => r.no_flags().map(|()| Command::Cmd {
            command: r.command_line(),
        }),
        "entrypoint" => r.no_flags().map(|()| Command::Entrypoint {
            command: r.command_line(),
        }),
        "shell" => shell(&r),
        "label" => r.kvps("LABEL").map(|pairs| Command::Label { pairs }),
        "env" => r.kvps("ENV").map(|pairs| Command::Env { pairs }),
        "maintainer" => r
            .exactly_one("MAINTAINER")
            .map(|name| Command::Maintainer { name }),
        "expose" => {
            r.no_flags()?;
            r.at_least_one("EXPOSE")
                .map(|ports| Command::Expose { ports })
        }
        "add" => copy_args(&r, "ADD", ADD_FLAGS).map(Command::Add),
        "copy" => copy_args(&r, "COPY", COPY_FLAGS).map(Command::Copy),
        "volume" => volume(&r),
        "user" => r.exactly_one("USER").map(|user| Command::User { user }),
        "workdir" => r
            .exactly_one("WORKDIR")
            .map(|path| Command::Workdir { path }),
        "arg" => arg(&r),
        "onbuild" => onbuild(&r),
        "stopsignal" => r
            .exactly_one("STOPSIGNAL")
            .map(|signal| Command::Stopsignal { signal }),
        "healthcheck" => healthcheck(&r),
        "" => Err(ParseError::Empty),
        _ => Err(ParseError::UnknownInstruction(&node.cmd.text)),
    }
}

/// `parseFrom`: `FROM [--platform=…] image [AS name]`.
fn from<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    let f = r.flags(FROM_FLAGS)?;
    let name = match r.args[..] {
        [_] => None,
        [_, as_, n] if as_.eq_ignore_ascii_case("as") => {
            let lower = n.to_ascii_lowercase();
            if !valid_stage_name(&lower) {
                return Err(ParseError::InvalidStageName(n));
            }
            Some(lower)
        }
        _ => return Err(ParseError::FromArguments),
    };
    Ok(Command::From {
        image: r.args[0].to_string(),
        name,
        platform: f.get("platform"),
    })
}

/// `parseRun`: mounts, network and security modes, devices.
fn run<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    let f = r.flags(RUN_FLAGS)?;
    let mounts = f
        .given("mount")
        .iter()
        .map(|m| mount::parse_mount(m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ParseError::Mount)?;
    if let Some(n) = f.last("network") {
        if !matches!(n, "default" | "none" | "host") && !n.contains('$') {
            return Err(ParseError::UnsupportedNetwork(n));
        }
    }
    if let Some(s) = f.last("security") {
        if !matches!(s, "sandbox" | "insecure") && !s.contains('$') {
            return Err(ParseError::UnsupportedSecurity(s));
        }
    }
    Ok(Command::Run {
        command: r.command_line(),
        mounts,
        network: f.get("network"),
        security: f.get("security"),
        devices: f.all("device"),
    })
}

/// `parseShell`: JSON form only.
fn shell<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    r.no_flags()?;
    if !r.node.json {
        return Err(ParseError::ShellNotJson);
    }
    r.at_least_one("SHELL")
        .map(|shell| Command::Shell { shell })
}

/// `parseVolume`.
fn volume<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    r.no_flags()?;
    let paths = r.at_least_one("VOLUME")?;
    if paths.iter().any(|a| a.trim().is_empty()) {
        return Err(ParseError::EmptyVolume);
    }
    Ok(Command::Volume { paths })
}

/// `parseArg`: `name[=default]`, one or more.
fn arg<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    r.no_flags()?;
    if r.args.is_empty() {
        return Err(ParseError::AtLeastOne("ARG"));
    }
    let mut args = Vec::with_capacity(r.args.len());
    for &a in &r.args {
        let (name, default) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a, None),
        };
        if name.is_empty() {
            return Err(ParseError::BlankArgName(a));
        }
        args.push(ArgDef {
            name: name.to_string(),
            default,
        });
    }
    Ok(Command::Arg { args })
}

/// `parseAdd` / `parseCopy` (`parseSourcesAndDest`): the last argument is
/// the destination, heredoc sources are inline files.
fn copy_args<'a>(r: &Raw<'a>, kw: &'static str, decl: &'static [FlagDecl]) -> Parsed<'a, CopyArgs> {
    let f = r.flags(decl)?;
    let Some((&dest, srcs)) = r.args.split_last().filter(|(_, s)| !s.is_empty()) else {
        return Err(ParseError::NoDestination(kw));
    };
    if lines::parse_heredoc(dest).ok().flatten().is_some() {
        return Err(ParseError::HeredocDestination(kw));
    }
    let mut sources = Vec::new();
    let mut source_contents = Vec::new();
    for &s in srcs {
        match lines::parse_heredoc(s).ok().flatten() {
            Some(h) => source_contents.push(inline_file(r.heredocs, h)),
            None => sources.push(s.to_string()),
        }
    }
    Ok(CopyArgs {
        sources,
        source_contents,
        dest: dest.to_string(),
        from: f.get("from"),
        chown: f.get("chown"),
        chmod: f.get("chmod"),
        link: f.bool("link"),
        parents: f.bool("parents"),
        exclude: f.all("exclude"),
        checksum: f.get("checksum"),
        keep_git_dir: f.bool("keep-git-dir"),
        unpack: f.get("unpack").map(|v| v == "true"),
    })
}

/// A heredoc source of COPY/ADD with the body its line carries.
fn inline_file(heredocs: &[lines::RawHeredoc], h: lines::RawHeredoc) -> SourceContent {
    let content = heredocs
        .iter()
        .find(|d| d.name == h.name)
        .map(|d| d.content.clone())
        .unwrap_or_default();
    let data = if h.chomp { chomp(&content) } else { content };
    SourceContent {
        path: h.name,
        data,
        expand: h.expand,
    }
}

/// `parseOnBuild`: the trigger is typed like any instruction, except the
/// three BuildKit refuses there.
fn onbuild<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    r.no_flags()?;
    let Next::Sub(child) = &r.node.next else {
        return Err(ParseError::AtLeastOne("ONBUILD"));
    };
    let mut buf = [0u8; KW_MAX];
    match lower_keyword(&child.cmd.text, &mut buf) {
        "onbuild" => return Err(ParseError::ChainedOnbuild),
        "from" => return Err(ParseError::NotAnOnbuildTrigger("FROM")),
        "maintainer" => return Err(ParseError::NotAnOnbuildTrigger("MAINTAINER")),
        _ => {}
    }
    // BuildKit keeps the trigger's text and parses it only when an image
    // is built FROM this one (parseOnBuild; measured on Docker 28.5:
    // `ONBUILD RU/test` and `ONBUILD COPY nohup` build): a trigger it cannot
    // read is no error here, and its command is `Invalid`.
    let (trigger, trigger_error) = match typed(child, r.heredocs, r.line) {
        Ok(t) => (t, None),
        Err(e) => (Command::Invalid, Some(e.message())),
    };
    Ok(Command::Onbuild {
        trigger: Box::new(trigger),
        trigger_error,
        expression: r.line[r.node.args_lo..r.node.args_hi].to_string(),
    })
}

/// `parseHealthcheck`: `NONE`, or `CMD` with its options.
fn healthcheck<'a>(r: &Raw<'a>) -> Parsed<'a, Command> {
    let Some(&typ) = r.args.first() else {
        return Err(ParseError::HealthcheckWithoutArgument);
    };
    if typ.eq_ignore_ascii_case("NONE") {
        if r.args.len() != 1 {
            return Err(ParseError::HealthcheckNoneWithArguments);
        }
        r.no_flags()?;
        return Ok(Command::Healthcheck(Healthcheck {
            none: true,
            command: None,
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
        }));
    }
    if !typ.eq_ignore_ascii_case("CMD") {
        return Err(ParseError::UnknownHealthcheckType(typ));
    }
    let f = r.flags(HEALTHCHECK_FLAGS)?;
    let cmd = &r.args[1..];
    if cmd.is_empty() {
        return Err(ParseError::HealthcheckWithoutCommand);
    }
    if let Some(retries) = f.last("retries") {
        check_retries(retries)?;
    }
    Ok(Command::Healthcheck(Healthcheck {
        none: false,
        command: Some(command_line(r.node, cmd)),
        interval: f.get("interval"),
        timeout: f.get("timeout"),
        start_period: f.get("start-period"),
        start_interval: f.get("start-interval"),
        retries: f.get("retries"),
    }))
}

/// `--retries` as `strconv.Atoi` reads it (an optional sign, then digits),
/// and not negative.
fn check_retries(r: &str) -> Parsed<'_, ()> {
    let (neg, digits) = match r.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, r.strip_prefix('+').unwrap_or(r)),
    };
    match parse_uint(digits, 10) {
        Some(n) if !neg && n <= i64::MAX as u64 || neg && n == 0 => Ok(()),
        Some(n) if neg && n <= 1 << 63 => Err(ParseError::NegativeRetries),
        _ => Err(ParseError::InvalidRetries(r)),
    }
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

/// What BuildKit's dispatch refuses in an instruction's values once they
/// are read (dockerfile2llb's dispatch; each measured on Docker 28.5): a
/// STOPSIGNAL that is no signal (moby/sys `ParseSignal`), an EXPOSE that is
/// no port spec (go-connections `nat.ParsePortSpecs`), an ADD `--checksum`
/// that is no digest (go-digest `Parse`), a `--from` with a variable
/// (BuildKit does not expand it), an ADD `--checksum` of a local source
/// (`checksum requires HTTP(S) or Git sources`), a FROM `--platform`
/// containerd cannot parse. A value with a variable is left to its value,
/// except `--from`.
fn bad_value(cmd: &Command, escape: char) -> Option<String> {
    // A value without a variable, as the lexer reads it.
    let read = |w: &str| (!w.contains('$')).then(|| lex(w, escape, &|_| None).ok()).flatten();
    match cmd {
        Command::Stopsignal { signal } => {
            let s = read(signal)?.result;
            (!is_signal(&s)).then(|| cat(&["invalid signal: ", &s]))
        }
        Command::Expose { ports } => ports
            .iter()
            .find_map(|p| read(p)?.words.iter().find_map(|w| bad_port_spec(w))),
        Command::Copy(c) | Command::Add(c) => {
            if c.from.as_deref().is_some_and(|f| f.contains('$')) {
                return Some("variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround".into());
            }
            let sum = read(c.checksum.as_deref()?)?.result;
            bad_digest(&sum).map(str::to_string).or_else(|| {
                let remote = |s: &String| {
                    s.contains('$')
                        || ["http://", "https://", "git@", "git://", "ssh://"]
                            .iter()
                            .any(|p| s.starts_with(p))
                };
                (!c.sources.iter().all(remote))
                    .then(|| "checksum requires HTTP(S) or Git sources".to_string())
            })
        }
        Command::From {
            platform: Some(p), ..
        } if !p.contains('$') => bad_platform(p).then(|| cat(&["failed to parse platform ", p])),
        _ => None,
    }
}

/// A platform containerd's `platforms.Parse` cannot read whatever the
/// names: more than three `/` parts, an OS part that is not
/// `name[(version[+feature]…)]`, or another part with a character outside
/// `[A-Za-z0-9_-]`. (A lone word must also be a known OS or architecture;
/// that list is containerd's and is not checked here.)
fn bad_platform(p: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    };
    let parts: Vec<&str> = p.split('/').collect();
    if parts.len() > 3 {
        return true;
    }
    let os = parts[0];
    let os_ok = match os.split_once('(') {
        None => word(os),
        Some((name, rest)) => {
            let spec = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'%' | b'-');
            word(name)
                && rest.strip_suffix(')').is_some_and(|inner| {
                    let mut it = inner.split('+');
                    it.next().is_some_and(|v| v.bytes().all(spec))
                        && it.all(|f| !f.is_empty() && f.bytes().all(spec))
                })
        }
    };
    !os_ok || !parts[1..].iter().all(|w| word(w))
}

/// moby/sys `signal.ParseSignal` on Linux: a non-zero integer, or a name
/// of its `SignalMap` with or without `SIG`, in any case.
fn is_signal(s: &str) -> bool {
    if let Some(n) = parse_go_int(s) {
        return n != 0;
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    const NAMES: &[&str] = &[
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
        "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
        "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
        "RTMIN", "RTMAX",
    ];
    if NAMES.contains(&name) {
        return true;
    }
    // RTMIN+1 … RTMIN+15, RTMAX-14 … RTMAX-1.
    let offset = |rest: &str, max: u64| {
        !rest.starts_with('0') && parse_uint(rest, 10).is_some_and(|n| (1..=max).contains(&n))
    };
    name.strip_prefix("RTMIN+").is_some_and(|r| offset(r, 15))
        || name.strip_prefix("RTMAX-").is_some_and(|r| offset(r, 14))
}

/// Go's `strconv.Atoi` (64-bit): an optional sign and decimal digits, in
/// range (its magnitude; 2^63 itself, `-9223372036854775808`, is the one
/// value read as out of range here).
fn parse_go_int(s: &str) -> Option<u64> {
    parse_uint(s.strip_prefix(['+', '-']).unwrap_or(s), 10).filter(|n| *n <= i64::MAX as u64)
}

/// go-connections `nat.ParsePortSpec`: `[ip:][hostPort:]containerPort[/proto]`,
/// ports or ranges of 0–65535, proto tcp, udp or sctp.
fn bad_port_spec(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => ("", "", parts[0]),
        2 => ("", parts[0], parts[1]),
        _ => (
            &raw[..raw.len() - parts[n - 1].len() - parts[n - 2].len() - 2],
            parts[n - 2],
            parts[n - 1],
        ),
    };
    // SplitProtoPort.
    let pp: Vec<&str> = container.split('/').collect();
    let (proto, container) = if container.is_empty() || pp[0].is_empty() {
        ("", "")
    } else if pp.len() == 1 || pp[1].is_empty() {
        ("tcp", pp[0])
    } else {
        (pp[1], pp[0])
    };
    let ip = match ip.strip_prefix('[') {
        Some(v6) => v6.strip_suffix(']').unwrap_or(v6),
        None => ip,
    };
    if !ip.is_empty() && !looks_like_ip(ip) {
        return Some(cat(&["invalid IP address: ", ip]));
    }
    if container.is_empty() {
        return Some(cat(&["no port specified: ", raw, "<empty>"]));
    }
    let Some((c0, c1)) = port_range(container) else {
        return Some(cat(&["invalid containerPort: ", container]));
    };
    if !host.is_empty() {
        let Some((h0, h1)) = port_range(host) else {
            return Some(cat(&["invalid hostPort: ", host]));
        };
        if c1 - c0 != h1 - h0 && c1 != c0 {
            return Some(cat(&[
                "invalid ranges specified for container and host Ports: ",
                container,
                " and ",
                host,
            ]));
        }
    }
    let proto = proto.to_ascii_lowercase();
    (!matches!(proto.as_str(), "tcp" | "udp" | "sctp")).then(|| cat(&["invalid proto: ", &proto]))
}

/// Go's `net.ParseIP`, near enough for a port spec: four decimal parts of
/// 0–255 without leading zeros, or an IPv6 text of hex digits, `:` and an
/// optional dotted tail (not each of IPv6's rules: a rare spec in EXPOSE,
/// and std's parser costs the wasm ~2 KB).
fn looks_like_ip(ip: &str) -> bool {
    let v4 = |s: &str| {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 4
            && parts.iter().all(|p| {
                (p.len() == 1 || !p.starts_with('0')) && parse_uint(p, 10).is_some_and(|n| n <= 255)
            })
    };
    if ip.contains(':') {
        let (head, tail) = match ip.rfind(':') {
            Some(i) if ip[i + 1..].contains('.') => (&ip[..i + 1], Some(&ip[i + 1..])),
            _ => (ip, None),
        };
        head.matches("::").count() <= 1
            && head.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
            && head.split(':').all(|g| g.len() <= 4)
            && tail.is_none_or(v4)
    } else {
        v4(ip)
    }
}

/// `nat.ParsePortRange`: `port` or `start-end` (`strconv.ParseUint(_, 10, 16)`).
fn port_range(s: &str) -> Option<(u64, u64)> {
    let port = |p: &str| parse_uint(p, 10).filter(|n| *n <= 65535);
    match s.split_once('-') {
        None => port(s).map(|p| (p, p)),
        Some((a, rest)) => {
            let (a, b) = (port(a)?, port(rest.split('-').next().unwrap_or(""))?);
            (b >= a).then_some((a, b))
        }
    }
}

/// go-digest `Parse` with sha256, sha384 and sha512 available.
fn bad_digest(s: &str) -> Option<&'static str> {
    const FORMAT: &str = "invalid checksum digest format";
    let Some((alg, hex)) = s
        .split_once(':')
        .filter(|(a, h)| !a.is_empty() && !h.is_empty())
    else {
        return Some(FORMAT);
    };
    let size = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            // DigestRegexpAnchored: `[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`.
            let alg_ok = alg.split(['+', '.', '_', '-']).all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
            let hex_ok = hex
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'));
            return Some(if alg_ok && hex_ok {
                "unsupported digest algorithm"
            } else {
                FORMAT
            });
        }
    };
    if hex.len() != size {
        return Some("invalid checksum digest length");
    }
    (!hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(FORMAT)
}

/// A `--chmod` BuildKit's dispatch refuses: octal above 07777, or a
/// character that is neither octal nor of a symbolic mode (`u+x`); one
/// with a variable is left to its value.
fn bad_chmod(cmd: &Command) -> Option<String> {
    let (Command::Copy(c) | Command::Add(c)) = cmd else {
        return None;
    };
    let m = c.chmod.as_deref()?;
    let octal = m.bytes().all(|b| (b'0'..=b'7').contains(&b));
    let bad = if octal {
        m.is_empty()
            || m.len() > 12
            || m.bytes().fold(0u64, |n, b| n * 8 + (b - b'0') as u64) > 0o7777
    } else {
        !m.contains('$') && !m.bytes().all(|b| b"0123456789ugoa+-=rwxXst,".contains(&b))
    };
    bad.then(|| {
        cat(&[
            "invalid chmod parameter: '",
            m,
            "'. it should be octal string and between 0 and 07777",
        ])
    })
}

/// BuildKit's dispatch reads these words (ENV, LABEL, COPY, ADD, WORKDIR,
/// USER, VOLUME, EXPOSE, STOPSIGNAL, a stage's ARG defaults) with its shell
/// lexer (to expand them) and refuses one it cannot read, before any image
/// is resolved: `ENV name='a\'b'`, `ADD \conf\\" /x` (`failed to process
/// "…": unexpected end of statement while looking for matching
/// single-quote`). Only the lexer's own refusals count here; `${v:?}`
/// depends on values (the image's environment among them).
fn unreadable_word(cmd: &Command, escape: char) -> Option<String> {
    let words: Vec<&str> = match cmd {
        Command::Env { pairs } | Command::Label { pairs } => pairs
            .iter()
            .flat_map(|kv| [kv.key.as_str(), kv.value.as_str()])
            .collect(),
        Command::Copy(c) | Command::Add(c) => c
            .sources
            .iter()
            .map(String::as_str)
            .chain([c.dest.as_str()])
            .collect(),
        Command::Workdir { path } => vec![path.as_str()],
        Command::User { user } => vec![user.as_str()],
        Command::Volume { paths: w } | Command::Expose { ports: w } => {
            w.iter().map(String::as_str).collect()
        }
        Command::Stopsignal { signal } => vec![signal.as_str()],
        // A stage's ARG defaults (the global ones: `global_refusals`).
        Command::Arg { args } => args.iter().filter_map(|a| a.default.as_deref()).collect(),
        _ => Vec::new(),
    };
    words.into_iter().find_map(|w| {
        refused_word(w, escape, &|_| None)
            .filter(|e| {
                e.starts_with("unexpected end of statement")
                    || e.starts_with("syntax error: missing")
                    || e.starts_with("syntax error: bad substitution")
                    || e.starts_with("unsupported modifier")
            })
            .map(|e| failed_to_process(w, &e))
    })
}

/// `w` read by BuildKit's shell lexer with the file's escape character.
fn lex(
    w: &str,
    escape: char,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<super::shell::Processed, String> {
    let opts = super::shell::LexOptions {
        escape,
        ..super::shell::LexOptions::default()
    };
    super::shell::process(w, opts, env)
}

/// The lexer's refusal of `w`.
fn refused_word(w: &str, escape: char, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    lex(w, escape, env).err()
}

fn failed_to_process(w: &str, e: &str) -> String {
    cat(&["failed to process ", &super::dump::go_quote(w), ": ", e])
}

/// The build args BuildKit sets in the global scope (the platforms', and
/// `TARGETSTAGE`; measured on Docker 28.5: `ARG x=${TARGETSTAGE:?}` is
/// accepted, `${BUILDFOO:?}` refused).
const PREDEFINED_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// What BuildKit's conversion refuses in the global scope before it
/// resolves any image (dockerfile2llb's toDispatchState): a global ARG's
/// default, and each stage's base name, expanded with the global ARGs
/// declared before them (Docker 28.5, measured: `ARG x="abc`, `FROM 'alpine`,
/// `ARG x=${y:?}` with no ARG y are refused). A name declared without a
/// default counts as set (the build may pass it; `base name ($X) should not
/// be blank` is the build's concern, not the parser's), and so do the
/// args BuildKit predefines ([`PREDEFINED_ARGS`]). So a `${y:?}` is
/// refused only when no ARG y comes before it (`ARG y` then `${y:?}` is
/// refused too, without `--build-arg y=…`: that one the build decides).
fn global_refusals(ins: &[Instruction], globals: &[usize], escape: char) -> Vec<(String, Span)> {
    let mut declared: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let refused = |w: &str, declared: &[&str]| {
        let env = |name: &str| {
            (declared.contains(&name) || PREDEFINED_ARGS.contains(&name)).then(|| "x".to_string())
        };
        refused_word(w, escape, &env).map(|e| failed_to_process(w, &e))
    };
    for &g in globals {
        let Command::Arg { args } = &ins[g].command else {
            continue;
        };
        let mut first = None;
        for a in args {
            if let Some(d) = a.default.as_deref() {
                first = first.or_else(|| refused(d, &declared));
            }
            declared.push(&a.name);
        }
        if let Some(msg) = first {
            out.push((msg, ins[g].span));
        }
    }
    for i in ins {
        if let Command::From { image, .. } = &i.command {
            if let Some(msg) = refused(image, &declared) {
                out.push((msg, i.span));
            }
        }
    }
    out
}

/// A `--mount` target that resolves to `/`, which BuildKit's dispatch
/// refuses (dockerfile2llb's dispatchRunMounts: `invalid mount target
/// "/"`): the target `/` itself (an absolute target is not cleaned there:
/// `//` and `/a/..` are accepted, measured on Docker 28.5), or a relative
/// one (`.`, `..`) joined to the stage's working directory, when that is
/// known: set by literal WORKDIRs, inherited from a base stage, `/` on
/// `scratch`. An image's own WORKDIR is unknown here, so `target=.` on an
/// image is left alone (parse-differences.tsv says so). A target or WORKDIR
/// with a variable is left to its value.
fn mount_target_refusals(ins: &[Instruction], stages: &[Stage]) -> Vec<(String, Span)> {
    use crate::glob::clean;
    // Each stage's working directory at its end, cleaned and below `/`
    // (`""` is `/`): None when unknown.
    let mut ends: Vec<Option<String>> = Vec::with_capacity(stages.len());
    let mut out = Vec::new();
    for st in stages {
        let mut dir: Option<String> = match st.base_stage {
            Some(k) => ends.get(k).cloned().flatten(),
            None if st.base.eq_ignore_ascii_case("scratch") => Some(String::new()),
            None => None,
        };
        for &i in &st.instructions {
            match &ins[i].command {
                Command::Workdir { path } if path.contains('$') => dir = None,
                Command::Workdir { path } if path.starts_with('/') => dir = Some(clean(path)),
                Command::Workdir { path } => dir = dir.map(|d| clean(&cat(&[&d, "/", path]))),
                Command::Run { mounts, .. } => {
                    let root = mounts.iter().any(|m| match m.target.as_deref() {
                        Some(t) if t.contains('$') => false,
                        Some("/") => true,
                        Some(t) if !t.starts_with('/') => dir
                            .as_deref()
                            .is_some_and(|d| clean(&cat(&[d, "/", t])).is_empty()),
                        _ => false,
                    });
                    if root {
                        out.push(("invalid mount target \"/\"".to_string(), ins[i].span));
                    }
                }
                _ => {}
            }
        }
        ends.push(dir);
    }
    out
}

/// Groups instructions into stages (`instructions.Parse`): ARGs before the
/// first FROM are global; any other instruction there is an error.
pub fn stages(
    ins: &mut [Instruction],
    escape: char,
    diags: &mut Diags,
) -> (Vec<Stage>, Vec<usize>) {
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
    // The last stage named `n` before stage `before` (a FROM's base, as
    // Docker 28.5 resolves a name two stages share), or in the whole file
    // with `before` = usize::MAX (a `--from`, resolved after all stages).
    let last_stage = |n: &str, before: usize| {
        let at = named.partition_point(|p| (p.0.as_str(), p.1) < (n, before));
        at.checked_sub(1)
            .map(|k| &named[k])
            .filter(|p| p.0 == n)
            .map(|p| p.1)
    };
    for i in 0..ins.len() {
        if let Command::From {
            image,
            name,
            platform,
        } = &ins[i].command
        {
            let base_stage = last_stage(&image.to_ascii_lowercase(), stages.len());
            if let Some(n) = name {
                // Docker 28.5 builds it (a DuplicateStageName warning).
                if first_stage(n) != Some(stages.len()) {
                    diags.push((
                        false,
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
    // BuildKit's conversion refuses, before it resolves any image, a file
    // without a stage, and a `--from` naming the stage it is in or a later
    // one (dockerfile2llb's toDispatchState).
    let before = diags.len();
    if stages.is_empty() {
        if let Some(first) = ins.first() {
            let msg = "dockerfile contains no stages to build".to_string();
            diags.push((true, msg, first.span));
        }
    }
    for st in &stages {
        for &i in &st.instructions {
            if let Command::Onbuild {
                trigger_error: Some(e),
                ..
            } = &ins[i].command
            {
                let msg = cat(&[
                    "ONBUILD trigger: ",
                    e,
                    " (BuildKit reads it when an image is built FROM this one)",
                ]);
                diags.push((false, msg, ins[i].span));
            }
            if let Some(msg) = unreadable_word(&ins[i].command, escape)
                .or_else(|| bad_chmod(&ins[i].command))
                .or_else(|| bad_value(&ins[i].command, escape))
            {
                diags.push((true, msg, ins[i].span));
            }
            let froms: Vec<&str> = match &ins[i].command {
                Command::Copy(c) | Command::Add(c) => c.from.as_deref().into_iter().collect(),
                Command::Run { mounts, .. } => {
                    mounts.iter().filter_map(|m| m.from.as_deref()).collect()
                }
                _ => Vec::new(),
            };
            for f in froms {
                let f = f.to_ascii_lowercase();
                let msg = match last_stage(&f, usize::MAX) {
                    Some(k) if k == st.index => {
                        cat(&["circular dependency detected on stage: ", &f])
                    }
                    Some(k) if k > st.index => cat(&[
                        "cannot copy from stage ",
                        &super::dump::go_quote(&f),
                        ", it needs to be defined before the current stage",
                    ]),
                    _ => continue,
                };
                diags.push((true, msg, ins[i].span));
            }
        }
    }
    for (msg, span) in global_refusals(ins, &globals, escape)
        .into_iter()
        .chain(mount_target_refusals(ins, &stages))
    {
        diags.push((true, msg, span));
    }
    if diags.len() > before {
        // Diagnostics stay in source order (`merge_diags`).
        crate::sort::sort_by(diags, |a, b| {
            (a.2.start, a.2.end).cmp(&(b.2.start, b.2.end))
        });
    }
    (stages, globals)
}

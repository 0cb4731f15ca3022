//! The one wasm binary reader of xtask: sections, LEB128 numbers, names
//! (`glue` renames imports and exports with it, `wasm_size` measures
//! function bodies). Only what those two need of the format.

/// One section of a module.
pub struct Section<'a> {
    pub id: u8,
    /// Bytes including the id and the size prefix.
    pub total: usize,
    pub body: &'a [u8],
}

/// A cursor over wasm bytes.
pub struct Reader<'a> {
    pub b: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, pos: 0 }
    }

    pub fn byte(&mut self) -> Result<u8, String> {
        let v = *self.b.get(self.pos).ok_or("truncated wasm")?;
        self.pos += 1;
        Ok(v)
    }

    /// An unsigned LEB128 number.
    pub fn leb(&mut self) -> Result<u64, String> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let byte = self.byte()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err("bad LEB128 in wasm".into());
            }
        }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let s = self.b.get(self.pos..self.pos + n).ok_or("truncated wasm")?;
        self.pos += n;
        Ok(s)
    }

    /// A length-prefixed UTF-8 name.
    pub fn name(&mut self) -> Result<&'a str, String> {
        let n = self.leb()? as usize;
        std::str::from_utf8(self.bytes(n)?).map_err(|_| "bad name in wasm".to_string())
    }

    /// A table's or memory's limits (flags, minimum, maximum if flagged).
    pub fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

/// The magic number and version 1.
pub const HEADER: &[u8; 8] = b"\0asm\x01\0\0\0";

/// The sections of a module, in order.
pub fn sections(b: &[u8]) -> Result<Vec<Section<'_>>, String> {
    if b.get(..8) != Some(HEADER.as_slice()) {
        return Err("not a wasm module".into());
    }
    let mut r = Reader { b, pos: 8 };
    let mut out = Vec::new();
    while r.pos < b.len() {
        let start = r.pos;
        let id = r.byte()?;
        let len = r.leb()? as usize;
        let body = r.bytes(len)?;
        out.push(Section {
            id,
            total: r.pos - start,
            body,
        });
    }
    Ok(out)
}

/// Appends `n` as unsigned LEB128.
pub fn put_leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let x = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(x);
            return;
        }
        out.push(x | 0x80);
    }
}

//! OpenDocument spreadsheets through the public load path: the repeat precheck, calamine's ods
//! reader, row grouping and typing. An input starting with `PK` is written as it is; any other
//! input is the `content.xml` of an otherwise valid .ods (stored, so the fuzzer mutates the XML
//! itself). Never a panic; every input's rows reconcile.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;
use common::dir;
use std::io::Write;

fn pack(content: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", opts).expect("zip");
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("zip");
    z.start_file("content.xml", opts).expect("zip");
    z.write_all(content).expect("zip");
    z.finish().expect("zip").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let bytes = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        pack(data)
    };
    let dir = dir();
    std::fs::write(dir.path().join("消费.ods"), bytes).expect("write");
    common::load_and_reconcile(dir.path());
});

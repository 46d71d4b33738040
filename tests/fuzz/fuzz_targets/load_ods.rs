//! OpenDocument spreadsheets through the public load path: the repeat precheck, calamine's ods
//! reader, row grouping and typing. An input starting with `PK` is written as it is; any other
//! input is the `content.xml` of an otherwise valid .ods (stored, so the fuzzer mutates the XML
//! itself). Never a panic; every input's rows reconcile.
#![no_main]

use clinic_kpi::config::LoadedConfig;
use clinic_kpi::input::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;
use std::io::Write;
use std::sync::OnceLock;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fn pack(content: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
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
    let config = LoadedConfig::builtin();
    let opts = LoadOptions {
        data_dir: dir.path(),
        data_dir_given: true,
        config: &config,
        period: None,
        encoding: None,
        outputs: Vec::new(),
    };
    if let Ok(ds) = load(&opts) {
        for i in &ds.inputs {
            assert_eq!(i.rows, i.used + i.out_of_period + i.rejected + i.skipped, "{i:?}");
        }
    }
});

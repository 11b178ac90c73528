//! Errors that stop the run (exit status 2). Problems found in input files are not errors of
//! this kind: they are [`crate::model::Finding`]s, collected and reported.

use std::path::PathBuf;

use crate::discover::io_reason;

/// A fatal error: bad arguments, a bad rules file, no inputs, an unwritable output.
/// Messages are Chinese: the officer reads them. Errors of the file system, TOML, CSV and the
/// workbook writer keep their source.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rules file is impossible; the message names the key.
    #[error("{0}")]
    Rules(String),
    /// The rules file could not be read.
    #[error("无法读取规则文件 {}:{}", .path.display(), io_reason(.source))]
    RulesFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The rules file is not valid TOML, or a key has the wrong type; `detail` says where.
    #[error("规则文件 {origin} 有误：{detail}")]
    RulesSyntax {
        origin: String,
        detail: String,
        #[source]
        source: Box<toml::de::Error>,
    },
    /// Bad command-line usage that clap cannot catch (e.g. an ambiguous year).
    #[error("{0}")]
    Usage(String),
    /// An input path given on the command line cannot be reached.
    #[error("找不到输入路径 {}:{}", .path.display(), io_reason(.source))]
    InputPath {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing an output failed.
    #[error("{0}")]
    Output(String),
    /// A CSV output could not be built.
    #[error("生成 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    /// A template workbook could not be built.
    #[error("无法生成 {}:{source}", .path.display())]
    Template {
        path: PathBuf,
        #[source]
        source: Box<rust_xlsxwriter::XlsxError>,
    },
    /// The register holds errors (`E-REG-…`): `score` writes nothing; the message lists the
    /// register's problems.
    #[error("{0}")]
    Register(String),
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use crate::rules::Rules;

    /// IO and TOML errors keep their source beside the Chinese message.
    #[test]
    fn io_and_toml_errors_keep_their_source() {
        let e = Rules::load(Some("/nonexistent/rules.toml".as_ref())).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("无法读取规则文件 /nonexistent/rules.toml")
        );
        let io = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(io.map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));

        let e = Rules::parse("[scoring\n", "t.toml").unwrap_err();
        assert!(e.to_string().starts_with("规则文件 t.toml 有误："), "{e}");
        let toml_error = toml::from_str::<toml::Table>("[scoring\n").unwrap_err();
        assert_eq!(
            e.source().map(|s| s.to_string()),
            Some(toml_error.to_string())
        );

        let e = crate::discover::discover(&["/nonexistent/in".into()]).unwrap_err();
        assert!(e.source().is_some_and(|s| s.is::<std::io::Error>()));
    }
}

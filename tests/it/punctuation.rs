//! The punctuation convention (README "Messages"): Chinese text takes full-width punctuation.
//! `tools/fullwidth.py --check` lists every string literal of `src/` (help text and the rules'
//! comments too) with an ASCII `,` `:` `;` `?` `(` `)` or sentence-ending `.` beside Chinese;
//! `python3 tools/fullwidth.py` rewrites them. Skipped (visibly) without python3.

use std::path::Path;
use std::process::Command;

#[test]
fn chinese_texts_take_full_width_punctuation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(o) = Command::new("python3")
        .arg(root.join("tools/fullwidth.py"))
        .arg("--check")
        .output()
    else {
        eprintln!("skipped: python3 missing");
        return;
    };
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The check itself finds a slip: a literal with an ASCII comma between Chinese words.
#[test]
fn the_check_finds_an_ascii_comma_in_chinese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("fw", sys.argv[1])
fw = importlib.util.module_from_spec(spec); spec.loader.exec_module(fw)
src = 'let a = "股室:{s},报送月份:{m} 月"; let b = "{}:{}"; // 注释,不查'
print(fw.fix_rust(__import__("pathlib").Path("x.rs"), src)[0])
print(fw.convert("范围 {}:{}，路径 a::b，报送信息!C7，如 2019.3.5，完成(登记)."))
"#;
    let Ok(o) = Command::new("python3")
        .args(["-c", script])
        .arg(root.join("tools/fullwidth.py"))
        .output()
    else {
        eprintln!("skipped: python3 missing");
        return;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            r#"let a = "股室：{s}，报送月份：{m} 月"; let b = "{}:{}"; // 注释,不查"#,
            "范围 {}:{}，路径 a::b，报送信息!C7，如 2019.3.5，完成（登记）。",
        ]
    );
}

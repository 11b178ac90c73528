use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let limits = zwxx::read::workbook::Limits::default();
    for round in 0..3 {
        let t = Instant::now();
        let mut cells = 0;
        for b in &bytes {
            if let Ok(wb) = zwxx::read::workbook::read_in_process(b, &limits) {
                cells += wb.sheets.iter().map(|s| s.cells.len()).sum::<usize>();
            }
        }
        let read = t.elapsed();
        let t = Instant::now();
        let mut n = 0;
        for b in &bytes {
            let wb = zwxx::read::workbook::read_in_process(b, &limits).unwrap();
            n += postcard::to_stdvec(&wb).unwrap().len();
        }
        eprintln!(
            "round {round}: read {read:?} ({cells} cells); read+encode {:?} ({n} bytes)",
            t.elapsed()
        );
    }
}

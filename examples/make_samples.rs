//! Writes the sample year `samples/2019/`: what the information officer of the bureau in the
//! seed plan (an industry and technology bureau, eleven sections) would have in their folder
//! at the end of 2019 — the officer's register and every workbook the sections e-mailed,
//! mistakes included. `zwxx score samples/2019` ranks it; `tests/samples.rs` pins the result.
//!
//! Every workbook is the real blank template (`report::template::section_template` /
//! `register_template`) with values written into its data rows, in the template's own cell
//! formats. People, companies and numbers are invented; the names are not the seed's.
//!
//! The year, at a glance (the `PLANS` and `specials()` tables below hold the details):
//!
//! - Nine sections send one file a month (`经济运行股-2019-03.xlsx`). 轻工业股 and 科技管理股
//!   keep one cumulative file and resend it every month with adoption flags filled in later;
//!   each month's version is kept as `轻工业股/轻工业股-累计-03月.xlsx`.
//! - 发展规划股 misses four months (建议约谈) and also sent last year's December file
//!   (报送年份 2018, a file error); 企业改革股 sends almost nothing (one file and a 零报告).
//! - Ten commissioned tasks: done by an adopted item, done by the officer's explicit
//!   `按时按质完成`, failed with no item, failed with an unadopted item, failed with an item
//!   sent after the deadline, and one due 2019-07-31 (pending at `--as-of 2019-06-30`).
//!   要素保障和煤炭管理股 fails two (取消评先资格) while scoring third.
//! - Three deductions (迟报, 漏报, 明显抄袭 — the copied title is also a W-DUP-SECTION warning).
//! - Mistakes: a date typed `2019.13.2`, a category `常规新息`, a missing 审核人, a 突发信息
//!   approved by a deputy, a section head as reviewer, a 调研信息 without task id,
//!   an item the officer marked `不通过`, a `~$` lock file and a `.docx` note.
//! - 办公室 and 信息化管理股 tie in final score (75).
//!
//! Deterministic: a fixed seed drives a small PRNG (titles, days, authors); no clock, no OS
//! randomness; the templates fix their document properties, and the `.docx` fixes its zip
//! timestamps. So the same generator always writes the same bytes.
//!
//! LibreOffice: some staff save as `.xls` or `.ods`. The generator cannot call LibreOffice
//! reproducibly on every machine, so it writes `.xlsx` only, and the committed script
//! `samples/convert.sh` re-saves the files listed in [`CONVERTED`] with LibreOffice,
//! replacing their `.xlsx`. Both outputs are committed. To regenerate:
//!
//! ```text
//! cargo run --example make_samples        # writes samples/2019/ (or: -- OUT_DIR)
//! samples/convert.sh                      # needs soffice (libreoffice-calc-nogui)
//! ```
//!
//! `tests/samples.rs` regenerates into a temp folder and compares bytes with the committed
//! files, and reads the converted ones to check they hold the same items.

use std::collections::HashSet;
use std::error::Error;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet};
use zwxx::labels as l;
use zwxx::report::template::{
    HEADER_BLOCK_ROW, ITEMS_HEADER_ROW, REGISTER_HEADER_ROW, register_template, section_template,
};
use zwxx::rules::Rules;

/// The sample year.
pub const YEAR: i32 = 2019;
/// Seed of the PRNG that picks titles, days and authors.
pub const SEED: u64 = 0x7A77_7878_2019_0311;
/// Files `samples/convert.sh` re-saves with LibreOffice (path under the year folder, format).
pub const CONVERTED: [(&str, &str); 3] = [
    ("中小企业股-2019-04.xlsx", "xls"),
    ("园区管理办公室-2019-09.xlsx", "ods"),
    ("轻工业股/轻工业股-累计-12月.xlsx", "xls"),
];
/// File name of the register.
pub const REGISTER_FILE: &str = "考核登记表.xlsx";

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(YEAR.to_string())
        });
    let written = generate(&out)?;
    println!("{} 个文件写入 {}", written.len(), out.display());
    println!(
        "下一步:samples/convert.sh(用 LibreOffice 另存 {} 个文件)",
        CONVERTED.len()
    );
    Ok(())
}

// ---- People (invented) ----

const PRINCIPAL: (&str, &str) = ("周建华", "局长");
const DEPUTIES: [(&str, &str); 3] = [
    ("李明辉", "副局长"),
    ("王秀英", "副局长"),
    ("刘志刚", "党组成员、副局长"),
];

// ---- Adoption levels: indices into the default rules' `adoption` ----

pub const P: usize = 0; // 区政府办《政务信息》普刊
pub const Z: usize = 1; // 区政府办《政务信息》专刊
pub const S: usize = 2; // 省政府办公厅

/// How a section sends its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    /// One file a month.
    Monthly,
    /// One growing file resent every month; adoption flags appear the month after.
    Cumulative,
}

/// How a section's staff type 报送日期.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    /// Real date cells.
    Real,
    /// Text like 2019/3/5.
    Slash,
    /// Text like 2019年3月5日.
    Chinese,
}

/// One section's year.
pub struct Plan {
    pub name: &'static str,
    head: &'static str,
    officer: &'static str,
    /// The 分管负责人 who approves its routine items (index into DEPUTIES).
    deputy: usize,
    /// 年度信息条数任务, 年度分值任务.
    targets: Option<(u32, u32)>,
    sending: Sending,
    /// Routine items per month; `None` = no file that month, `Some(0)` = 零报告.
    per_month: [Option<u8>; 12],
    /// Adopted routine items: (ordinal of the routine item in the year, levels).
    adopt: &'static [(usize, &'static [usize])],
    dates: DateStyle,
    /// Writes 否 in the adoption columns of items not adopted (others leave them blank).
    fills_no: bool,
    /// Routine title patterns: `{地}` a town, `{月}` the month reported on.
    titles: &'static [&'static str],
}

const fn every(n: u8) -> [Option<u8>; 12] {
    [Some(n); 12]
}

const fn months(counts: [u8; 12]) -> [Option<u8>; 12] {
    let mut out = [None; 12];
    let mut i = 0;
    while i < 12 {
        out[i] = Some(counts[i]);
        i += 1;
    }
    out
}

/// The eleven sections of the seed, in roster order.
pub const PLANS: [Plan; 11] = [
    Plan {
        name: "办公室",
        head: "孙丽华",
        officer: "何静",
        deputy: 0,
        targets: None,
        sending: Sending::Monthly,
        per_month: every(2),
        adopt: &[(9, &[P])],
        dates: DateStyle::Real,
        fills_no: true,
        titles: &[
            "我局召开{月}份局务会研究部署工业和科技信息化重点工作",
            "我局深入{地}开展工业经济运行和科技工作专题调研",
            "我局组织开展{月}份安全生产和节能降耗工作督查检查",
            "局领导带队到{地}督导检查工业企业安全生产工作",
            "我局挂钩帮扶{地}脱贫攻坚各项工作扎实有序推进",
            "我局落实{月}份政务公开和政务信息报送工作任务情况",
            "我局在{地}开展“党员活动日”进社区志愿服务活动",
            "我局认真办理人大代表建议和政协委员提案取得实效",
            "我局召开党风廉政建设暨作风革命效能革命推进会议",
            "我局扎实开展“不忘初心、牢记使命”主题教育学习研讨",
        ],
    },
    Plan {
        name: "信息化管理股",
        head: "马文涛",
        officer: "杜晓燕",
        deputy: 0,
        targets: Some((24, 80)),
        sending: Sending::Monthly,
        per_month: months([2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 2]),
        adopt: &[(4, &[P]), (12, &[P]), (20, &[Z]), (25, &[P])],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "{地}光纤宽带和4G网络覆盖提升工程加快推进",
            "我区加快推进5G基站规划布局和通信基础设施建设",
            "隆阳区数字经济发展{月}份运行情况及下步工作打算",
            "我局推进工业互联网和两化融合管理体系贯标工作",
            "{地}推进电子商务进农村综合示范工作成效明显",
            "我局开展政务信息系统整合共享和网络安全检查工作",
            "我局组织{地}企业参加云南省数字经济专题培训",
            "{地}推进“互联网+”现代农业和智慧乡村建设",
            "我局开展{月}份无线电频率使用和台站管理专项检查",
            "我区“数字隆阳”建设和大数据应用工作进展顺利",
            "{地}电信普遍服务试点和农村通信网络建设提速",
        ],
    },
    Plan {
        name: "经济运行股",
        head: "黄志强",
        officer: "林佳怡",
        deputy: 1,
        targets: Some((30, 120)),
        sending: Sending::Monthly,
        per_month: months([3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 2, 2]),
        adopt: &[
            (1, &[P]),
            (5, &[P]),
            (9, &[P, S]),
            (13, &[P]),
            (16, &[Z]),
            (20, &[P]),
            (24, &[P]),
            (28, &[P]),
        ],
        dates: DateStyle::Real,
        fills_no: true,
        titles: &[
            "{月}份全区规上工业增加值增速及主要行业运行情况",
            "我局深入{地}开展规上工业企业走访服务“解难题”活动",
            "全区{月}份规模以上工业企业生产经营情况分析",
            "{地}新增规上工业企业培育入库工作有序推进",
            "我局召开{月}份全区工业经济运行分析调度会议",
            "全区重点工业产品产量{月}份监测情况及走势预判",
            "我局协调解决{地}工业企业生产要素保障困难问题",
            "全区工业投资和技改项目{月}份推进情况通报",
            "我局在{地}开展“稳增长、促投资”重点企业蹲点服务",
            "{地}工业企业满负荷生产和订单情况跟踪监测",
        ],
    },
    Plan {
        name: "要素保障和煤炭管理股",
        head: "郭建平",
        officer: "罗海波",
        deputy: 1,
        targets: Some((30, 100)),
        sending: Sending::Monthly,
        per_month: months([2, 3, 2, 3, 3, 2, 3, 2, 3, 2, 3, 2]),
        adopt: &[
            (2, &[P]),
            (4, &[P, S]),
            (7, &[P]),
            (10, &[Z]),
            (12, &[P]),
            (15, &[P]),
            (18, &[P]),
            (21, &[Z]),
            (23, &[P]),
            (26, &[P]),
            (28, &[P]),
        ],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "我局开展{地}煤矿安全生产专项检查和隐患排查治理",
            "全区工业用电量{月}份运行情况及电力供需形势分析",
            "我局协调保障{地}重点工业企业生产用电需求",
            "{地}小煤矿整顿关闭和落后产能淘汰工作稳步推进",
            "我局开展{月}份成品油市场和加油站安全专项整治",
            "全区天然气和成品油供应保障{月}份运行总体平稳",
            "我局组织{地}煤矿企业开展防治水应急救援演练",
            "全区煤炭产量和库存{月}份监测情况及保供措施",
            "我局推进{地}农村电网改造升级和供电服务提升",
            "我局部署汛期煤矿安全生产和地质灾害防范工作",
        ],
    },
    Plan {
        name: "轻工业股",
        head: "唐玉兰",
        officer: "许晨",
        deputy: 1,
        targets: Some((24, 80)),
        sending: Sending::Cumulative,
        per_month: months([2, 1, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2]),
        adopt: &[(4, &[P]), (13, &[P])],
        dates: DateStyle::Slash,
        fills_no: false,
        titles: &[
            "{地}小粒咖啡精深加工产业链延链补链工作加快推进",
            "我局组织{地}食品加工企业开展质量安全提升行动",
            "全区制糖企业{月}份榨季生产和蔗款兑付情况",
            "{地}茶叶初制所规范化改造提升工作取得实效",
            "我局组织{地}轻工企业参加南亚东南亚商品博览会",
            "全区轻工业{月}份运行情况分析及下步工作措施",
            "{地}中药材和生物医药产业发展调研情况报告",
            "我局推进{地}农特产品加工园区项目建设工作",
            "我局开展“绿色食品牌”企业培育和产品推介活动",
        ],
    },
    Plan {
        name: "中小企业股",
        head: "韩春梅",
        officer: "邓宇航",
        deputy: 2,
        targets: Some((24, 100)),
        sending: Sending::Monthly,
        per_month: months([2, 2, 2, 3, 2, 2, 2, 3, 2, 2, 2, 2]),
        adopt: &[
            (3, &[P]),
            (8, &[Z]),
            (11, &[P]),
            (15, &[P]),
            (19, &[P]),
            (23, &[P]),
        ],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "我局联合金融机构在{地}召开中小企业融资对接会",
            "全区“专精特新”中小企业培育认定工作扎实推进",
            "{地}小微企业“小升规”培育工作取得阶段性成效",
            "我局开展{月}份清理拖欠民营企业中小企业账款工作",
            "我局深入{地}开展减税降费政策宣传和企业走访",
            "全区中小企业{月}份生产经营和发展运行情况监测分析",
            "我局组织{地}中小企业经营管理人员参加专题培训",
            "我局推进中小企业公共服务平台建设和服务能力提升",
            "{地}民营企业创业创新示范基地建设有序推进",
            "我局协调解决{地}中小企业用工和融资难题",
        ],
    },
    Plan {
        name: "发展规划股",
        head: "曹德明",
        officer: "彭小琴",
        deputy: 0,
        targets: Some((12, 60)),
        sending: Sending::Monthly,
        per_month: [
            Some(1),
            None,
            Some(2),
            Some(1),
            Some(1),
            Some(2),
            None,
            None,
            Some(1),
            Some(1),
            None,
            Some(1),
        ],
        adopt: &[(4, &[P])],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "我局推进“十四五”工业和信息化发展规划前期研究",
            "全区工业招商引资项目{月}份签约落地情况通报",
            "我局赴{地}开展重点工业项目前期工作专题调研",
            "我局组织开展{月}份全区工业固定资产投资项目调度",
            "{地}招商引资项目洽谈和跟踪服务工作有序开展",
            "我局编制全区产业发展布局和重点产业链招商图谱",
            "我局推进{地}重点工业项目用地和规划手续办理",
        ],
    },
    Plan {
        name: "行政审批事项管理股",
        head: "谢红梅",
        officer: "蒋磊",
        deputy: 0,
        targets: Some((24, 60)),
        sending: Sending::Monthly,
        per_month: months([2, 2, 2, 1, 2, 2, 2, 2, 1, 2, 2, 2]),
        adopt: &[(7, &[P])],
        dates: DateStyle::Chinese,
        fills_no: false,
        titles: &[
            "我局{月}份办理企业投资项目备案和技改审批情况",
            "我局深化“放管服”改革压缩工业项目审批办理时限",
            "我局推进政务服务“一网通办”和“最多跑一次”改革",
            "我局进驻{地}便民服务中心窗口办件情况通报",
            "我局开展{月}份行政审批事项清单动态调整工作",
            "我局为{地}重点工业项目开辟审批服务“绿色通道”",
            "我局开展“双随机、一公开”监管和事中事后检查",
            "我局{月}份政务服务“好差评”和群众满意度情况",
        ],
    },
    Plan {
        name: "科技管理股",
        head: "吕振宇",
        officer: "苏雅婷",
        deputy: 2,
        targets: Some((24, 100)),
        sending: Sending::Cumulative,
        per_month: every(2),
        adopt: &[(2, &[P]), (7, &[Z]), (11, &[P]), (15, &[P]), (18, &[P])],
        dates: DateStyle::Real,
        fills_no: true,
        titles: &[
            "我局组织{地}企业申报2020年度省级科技计划项目",
            "全区高新技术企业培育认定工作{月}份推进情况",
            "我局选派科技特派员深入{地}开展农业技术服务",
            "我局推进科技成果转化和产学研合作取得新成效",
            "{地}科技型中小企业评价入库工作有序开展",
            "我局开展{月}份科技项目资金使用和绩效专项检查",
            "我局组织开展“科技活动周”科普宣传进{地}活动",
            "{地}企业研发投入和研发机构建设情况调查分析",
            "我局推进{地}院士专家工作站和创新平台建设",
            "我局组织{地}企业参加科技创新政策宣讲培训",
        ],
    },
    Plan {
        name: "园区管理办公室",
        head: "田国庆",
        officer: "范丽娟",
        deputy: 1,
        targets: Some((24, 80)),
        sending: Sending::Monthly,
        per_month: months([2, 2, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2]),
        adopt: &[(6, &[P]), (17, &[P])],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "园区标准化厂房建设项目{月}份推进情况及存在问题",
            "我局推进园区{地}片区道路和供排水基础设施建设",
            "园区{月}份新入驻企业和项目投产达产情况通报",
            "我局开展园区企业安全生产和环境保护专项检查",
            "园区“亩均论英雄”改革和闲置土地清理工作推进",
            "我局组织园区企业在{地}开展招工用工对接活动",
            "园区循环化改造和污水处理设施建设进展顺利",
            "我局推进园区{地}片区征地拆迁和土地报批工作",
            "园区重点项目{月}份投资完成情况及下步工作措施",
            "我局为园区入驻企业提供“一对一”帮办代办服务",
        ],
    },
    Plan {
        name: "企业改革股",
        head: "董卫东",
        officer: "袁芳",
        deputy: 2,
        targets: None,
        sending: Sending::Monthly,
        per_month: [
            None,
            None,
            Some(2),
            None,
            None,
            None,
            None,
            None,
            Some(0),
            None,
            None,
            None,
        ],
        adopt: &[],
        dates: DateStyle::Real,
        fills_no: false,
        titles: &[
            "我局推进区属国有企业改革和“僵尸企业”处置工作",
            "我局开展{月}份企业改制遗留问题排查和信访化解工作",
            "{地}改制企业职工社会保险接续工作稳步推进",
        ],
    },
];

/// Towns and streets of the district, for titles.
const TOWNS: [&str; 16] = [
    "永昌街道",
    "兰城街道",
    "九隆街道",
    "青华街道",
    "河图街道",
    "永盛街道",
    "板桥镇",
    "汉庄镇",
    "蒲缥镇",
    "瓦窑镇",
    "潞江镇",
    "金鸡乡",
    "辛街乡",
    "水寨乡",
    "瓦渡乡",
    "西邑乡",
];

/// Contact data of a section (never read by zwxx, but the officer keeps it).
fn contact(index: usize) -> (String, String) {
    (
        format!("0875-21001{:02}", 11 + index),
        format!("ly-gkx-{:02}@example.com", index + 1),
    )
}

// ---- Register: tasks and deductions ----

/// (任务编号, 股室, 任务类型, 主题, 下达日期, 截止日期, 完成情况)
pub type TaskRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
    &'static str,
);

pub const TASKS: [TaskRow; 10] = [
    (
        "2019-01",
        "经济运行股",
        "约稿",
        "一季度全区工业经济运行情况分析",
        (3, 1),
        (4, 15),
        "",
    ),
    (
        "2019-02",
        "要素保障和煤炭管理股",
        "调研",
        "煤矿安全生产专项整治情况调研",
        (3, 11),
        (5, 31),
        "",
    ),
    (
        "2019-03",
        "中小企业股",
        "约稿",
        "中小企业融资难、融资贵问题及对策",
        (4, 1),
        (6, 20),
        "",
    ),
    (
        "2019-04",
        "科技管理股",
        "调研",
        "规上工业企业研发投入情况调研",
        (5, 6),
        (7, 31),
        "",
    ),
    (
        "2019-05",
        "要素保障和煤炭管理股",
        "约稿",
        "迎峰度夏期间工业企业用电保障情况",
        (6, 3),
        (7, 15),
        "",
    ),
    (
        "2019-06",
        "园区管理办公室",
        "约稿",
        "园区标准化厂房建设及招商入驻情况",
        (7, 1),
        (8, 30),
        "",
    ),
    (
        "2019-07",
        "行政审批事项管理股",
        "调研",
        "深化“放管服”改革、优化营商环境调研",
        (8, 1),
        (9, 30),
        "按时按质完成",
    ),
    (
        "2019-08",
        "信息化管理股",
        "约稿",
        "全区数字经济发展现状及对策建议",
        (9, 2),
        (10, 31),
        "",
    ),
    (
        "2019-09",
        "办公室",
        "约稿",
        "全局年度重点工作完成情况及明年工作思路",
        (11, 1),
        (12, 20),
        "",
    ),
    (
        "2019-10",
        "企业改革股",
        "约稿",
        "区属国有企业改革进展情况",
        (10, 8),
        (11, 29),
        "",
    ),
];

/// (股室, 日期, 扣分类别, 次数, 说明)
pub type DeductionRow = (&'static str, (u32, u32), &'static str, u32, &'static str);

pub const DEDUCTIONS: [DeductionRow; 3] = [
    (
        "经济运行股",
        (5, 20),
        "重要信息迟报",
        1,
        "5月16日部分规上工业企业限产情况未在规定时限内报送,迟报2天",
    ),
    (
        "企业改革股",
        (8, 12),
        "重要信息漏报",
        1,
        "辖区改制企业职工集体反映诉求事件未按规定报送",
    ),
    (
        "发展规划股",
        (10, 25),
        "明显抄袭",
        1,
        "10月报送的信息照搬经济运行股9月已报信息",
    ),
];

// ---- Register: the 采用记录 ----

/// Titles the editors of 《政务信息》 reworded when printing them (as sent → as printed); the
/// officer fills in their 股室 too.
const REWORDED: [(&str, &str); 3] = [
    (
        "破解全区中小企业融资难融资贵问题的调查与思考",
        "全区中小企业融资难融资贵问题调查与对策思考",
    ),
    (
        "园区标准化厂房建设推进情况及招商入驻情况分析",
        "园区标准化厂房建设及招商入驻情况分析",
    ),
    (
        "受电力供应偏紧影响全区部分规上工业企业限产情况报告",
        "电力供应偏紧致全区部分规上工业企业限产",
    ),
];
/// A routine item printed in 普刊 whose section never filled in 是: (股室, ordinal).
pub const FORGOTTEN: (&str, usize) = ("科技管理股", 5);
/// An adoption in 普刊 a section declared and the publications never printed: (股室, ordinal).
pub const UNPRINTED: (&str, usize) = ("中小企业股", 19);
/// A title printed in 普刊 that no section sent in its workbook.
pub const UNSENT: &str = "我局召开全区工业和信息化工作会议安排部署2020年重点工作";
/// Days from an item's 报送日期 to the issue that printed it.
const PRINT_DELAY: u64 = 7;

/// One row of the 采用记录: what an issue printed.
pub struct Printed {
    pub level: usize,
    pub issue: String,
    pub title: String,
    pub section: &'static str,
    pub date: NaiveDate,
}

/// The officer's 采用记录: every adoption in 普刊 and 专刊 the sections declared (the 省政府办公厅
/// level is left out: its adoptions stay as declared), as the issues printed them — exactly,
/// or reworded ([`REWORDED`]) — plus the forgotten `是` ([`FORGOTTEN`]), less the unprinted
/// claim ([`UNPRINTED`]), and a title no section sent ([`UNSENT`]); issue by issue.
pub fn adoption_record(year: &[Vec<Row>]) -> Vec<Printed> {
    let mut out = Vec::new();
    for (plan, rows) in PLANS.iter().zip(year) {
        for row in rows
            .iter()
            .filter(|r| r.month > 0 && r.officer_check.is_empty())
        {
            let key = (plan.name, row.ordinal.unwrap_or(usize::MAX));
            let mut levels: Vec<usize> = row.levels.iter().copied().filter(|l| *l != S).collect();
            if key == UNPRINTED {
                levels.retain(|l| *l != P);
            }
            if key == FORGOTTEN {
                levels.push(P);
            }
            let d = date(YEAR, row.sort.0, row.sort.1);
            let printed = REWORDED.iter().find(|(sent, _)| *sent == row.title);
            for level in levels {
                out.push(Printed {
                    level,
                    issue: issue_no(&[level], d),
                    title: printed.map_or(row.title.clone(), |p| p.1.to_string()),
                    section: if printed.is_some() { plan.name } else { "" },
                    date: (d + chrono::Days::new(PRINT_DELAY)).min(date(YEAR, 12, 31)),
                });
            }
        }
    }
    out.push(Printed {
        level: P,
        issue: issue_no(&[P], date(YEAR, 12, 24)),
        title: UNSENT.to_string(),
        section: "",
        date: date(YEAR, 12, 31),
    });
    out.sort_by_key(|p| (p.level, p.date));
    out
}

// ---- Items named one by one: tasks, 重要/突发信息, mistakes ----

#[derive(Debug, Clone, Copy)]
enum Reviewer {
    /// The section's 分管负责人.
    Deputy,
    /// The 主要负责人.
    Principal,
    /// Someone else (not a leader).
    Named(&'static str),
    /// Left blank.
    Nobody,
}

struct Special {
    section: &'static str,
    date: (i32, u32, u32),
    category: &'static str,
    title: &'static str,
    task: &'static str,
    levels: &'static [usize],
    reviewer: Reviewer,
    officer_check: &'static str,
    remark: &'static str,
    /// Written as this text instead of the date.
    date_text: Option<&'static str>,
}

fn sp(
    section: &'static str,
    (m, d): (u32, u32),
    category: &'static str,
    title: &'static str,
) -> Special {
    let principal = matches!(category, "重要信息" | "突发信息");
    Special {
        section,
        date: (YEAR, m, d),
        category,
        title,
        task: "",
        levels: &[],
        reviewer: if principal {
            Reviewer::Principal
        } else {
            Reviewer::Deputy
        },
        officer_check: "",
        remark: "",
        date_text: None,
    }
}

impl Special {
    fn task(mut self, id: &'static str) -> Special {
        self.task = id;
        self
    }
    fn adopted(mut self, levels: &'static [usize]) -> Special {
        self.levels = levels;
        self
    }
    fn reviewer(mut self, r: Reviewer) -> Special {
        self.reviewer = r;
        self
    }
    fn officer_check(mut self, v: &'static str) -> Special {
        self.officer_check = v;
        self
    }
    fn remark(mut self, r: &'static str) -> Special {
        self.remark = r;
        self
    }
    fn typed(mut self, text: &'static str) -> Special {
        self.date_text = Some(text);
        self
    }
    fn year(mut self, y: i32) -> Special {
        self.date.0 = y;
        self
    }
}

fn specials() -> Vec<Special> {
    vec![
        // 办公室: its task, done.
        sp(
            "办公室",
            (12, 5),
            "约稿信息",
            "我局年度工业和科技信息化重点工作完成情况及明年工作思路",
        )
        .task("2019-09")
        .adopted(&[P]),
        // 信息化管理股: its task answered a week late (failed), a row without 审核人, and a
        // meeting notice the officer refused.
        sp(
            "信息化管理股",
            (11, 5),
            "约稿信息",
            "全区数字经济发展现状、存在问题及对策建议",
        )
        .task("2019-08")
        .adopted(&[P])
        .remark("约稿任务截止后报送"),
        sp(
            "信息化管理股",
            (6, 18),
            "常规信息",
            "我局开展政务网站和政务新媒体平台信息安全自查工作",
        )
        .reviewer(Reviewer::Nobody),
        sp(
            "信息化管理股",
            (10, 15),
            "常规信息",
            "关于召开2019年全区信息化工作推进会议的通知",
        )
        .officer_check("不通过")
        .remark("会议通知不属于政务信息"),
        // 经济运行股: its task, done (专刊); an 重要信息 reported late (deduction); a misspelt
        // category; the item 发展规划股 copies.
        sp(
            "经济运行股",
            (4, 10),
            "约稿信息",
            "一季度全区规上工业增加值运行情况分析及下步对策建议",
        )
        .task("2019-01")
        .adopted(&[Z]),
        sp(
            "经济运行股",
            (5, 16),
            "重要信息",
            "受电力供应偏紧影响全区部分规上工业企业限产情况报告",
        )
        .adopted(&[P]),
        sp(
            "经济运行股",
            (3, 14),
            "常规新息",
            "我局召开全区工业经济“开门红”推进会部署一季度工作",
        ),
        sp(
            "经济运行股",
            (9, 12),
            "常规信息",
            "全区工业经济稳增长“百日攻坚”行动推进情况及成效",
        ),
        // 要素保障和煤炭管理股: a 突发信息 approved by the deputy instead of the 局长; the
        // answer to task 2019-05, not adopted (failed; 2019-02 got no answer at all).
        sp(
            "要素保障和煤炭管理股",
            (8, 6),
            "突发信息",
            "辖区一停产整顿煤矿擅自组织生产已被责令停止作业",
        )
        .reviewer(Reviewer::Deputy),
        sp(
            "要素保障和煤炭管理股",
            (7, 8),
            "约稿信息",
            "全区迎峰度夏期间工业企业用电保障情况及有关建议",
        )
        .task("2019-05"),
        // 中小企业股: its task, done (专刊); an 重要信息; a 调研信息 without a task id.
        sp(
            "中小企业股",
            (6, 12),
            "约稿信息",
            "破解全区中小企业融资难融资贵问题的调查与思考",
        )
        .task("2019-03")
        .adopted(&[Z]),
        sp(
            "中小企业股",
            (9, 10),
            "重要信息",
            "全区清理拖欠民营企业中小企业账款工作进展情况报告",
        )
        .adopted(&[P]),
        sp(
            "中小企业股",
            (10, 22),
            "调研信息",
            "全区“专精特新”中小企业发展现状及培育路径调研报告",
        ),
        // 发展规划股: the copied title (W-DUP-SECTION, then a 明显抄袭 deduction).
        sp(
            "发展规划股",
            (10, 18),
            "常规信息",
            "全区工业经济稳增长“百日攻坚”行动推进情况及成效",
        ),
        // 发展规划股 also sent last year's December file by mistake.
        sp(
            "发展规划股",
            (12, 7),
            "常规信息",
            "我局召开2018年度全区工业招商引资项目推进总结会",
        )
        .year(2018),
        sp(
            "发展规划股",
            (12, 20),
            "常规信息",
            "我局完成2019年度全区工业重点项目计划编制工作",
        )
        .year(2018)
        .adopted(&[P]),
        // 行政审批事项管理股: its research task, adopted by the city (not a level of the
        // rules), which the officer records as 按时按质完成; a row approved by the section
        // head instead of a leader.
        sp(
            "行政审批事项管理股",
            (9, 18),
            "调研信息",
            "深化“放管服”改革持续优化全区工业领域营商环境调研",
        )
        .task("2019-07")
        .remark("已被市政府办《保山政务信息》采用"),
        sp(
            "行政审批事项管理股",
            (5, 21),
            "常规信息",
            "我局推进工程建设项目审批制度改革试点工作取得实效",
        )
        .reviewer(Reviewer::Named("谢红梅")),
        // 科技管理股: its research task (due 7-31), adopted in 专刊; the flag is filled in
        // from the August version of the cumulative file.
        sp(
            "科技管理股",
            (7, 19),
            "调研信息",
            "全区规上工业企业研发投入情况调研报告及提升建议",
        )
        .task("2019-04")
        .adopted(&[Z]),
        // 园区管理办公室: its task, done; a date typed 2019.13.2 (meant 2019.2.13).
        sp(
            "园区管理办公室",
            (8, 20),
            "约稿信息",
            "园区标准化厂房建设推进情况及招商入驻情况分析",
        )
        .task("2019-06")
        .adopted(&[P]),
        sp(
            "园区管理办公室",
            (2, 13),
            "常规信息",
            "园区企业春节后复工复产和返岗用工保障情况",
        )
        .typed("2019.13.2"),
    ]
}

// ---- PRNG ----

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// ---- Rows as written ----

#[derive(Debug, Clone)]
pub enum DateCell {
    Real(NaiveDate),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct Row {
    /// Month of the file the row is first sent in.
    pub month: u32,
    /// The routine item's ordinal in the section's year (`None` for the items named one by
    /// one in `specials()`).
    pub ordinal: Option<usize>,
    /// Sort key within the file.
    pub sort: (u32, u32, usize),
    pub date: DateCell,
    pub title: String,
    pub category: String,
    pub task: String,
    pub levels: Vec<usize>,
    pub issue: String,
    pub author: String,
    pub reviewer: String,
    pub officer_check: String,
    pub remark: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid sample date")
}

fn date_cell(style: DateStyle, d: NaiveDate) -> DateCell {
    match style {
        DateStyle::Real => DateCell::Real(d),
        DateStyle::Slash => DateCell::Text(format!("{}/{}/{}", d.year(), d.month(), d.day())),
        DateStyle::Chinese => DateCell::Text(format!("{}年{}月{}日", d.year(), d.month(), d.day())),
    }
}

/// 采用期号 for the levels an item was adopted at.
fn issue_no(levels: &[usize], d: NaiveDate) -> String {
    levels
        .iter()
        .map(|&l| match l {
            P => format!("{}年第{}期", d.year(), d.ordinal() / 7 + 2),
            Z => format!("{}年专刊第{}期", d.year(), d.month()),
            _ => format!("省政府办公厅{}年第{}期", d.year(), d.ordinal() / 14 + 1),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Working days for `n` items in month `m`, spread over the month, in order.
fn spread_days(rng: &mut Rng, m: u32, n: usize) -> Vec<NaiveDate> {
    (0..n)
        .map(|k| {
            let base = (k as i64 + 1) * 28 / (n as i64 + 1);
            let d = (base + rng.below(5) as i64 - 2).clamp(1, 28) as u32;
            let mut day = date(YEAR, m, d);
            // Offices send on working days.
            while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                day = day
                    .pred_opt()
                    .filter(|p| p.month() == m)
                    .unwrap_or(day + chrono::Days::new(3));
            }
            day
        })
        .collect()
}

/// A title for a routine item, new within the whole year.
fn routine_title(rng: &mut Rng, plan: &Plan, d: NaiveDate, used: &mut HashSet<String>) -> String {
    // Reports early in a month are about the month before.
    let reported = if d.day() <= 10 && d.month() > 1 {
        d.month() - 1
    } else {
        d.month()
    };
    for _ in 0..500 {
        let pattern = plan.titles[rng.below(plan.titles.len())];
        let title = pattern
            .replace("{地}", TOWNS[rng.below(TOWNS.len())])
            .replace("{月}", &format!("{reported}月"));
        let n = title.chars().count();
        assert!((20..=40).contains(&n), "title of {n} characters: {title}");
        if used.insert(title.clone()) {
            return title;
        }
    }
    panic!("{}: not enough title patterns", plan.name);
}

/// Every row a section sends in the year (and the wrong-year rows), by file month.
fn section_rows(
    index: usize,
    plan: &Plan,
    specials: &[Special],
    used: &mut HashSet<String>,
) -> Vec<Row> {
    let mut rng = Rng(SEED ^ ((index as u64 + 1) << 32));
    let deputy = DEPUTIES[plan.deputy].0;
    let author = |rng: &mut Rng| {
        if rng.below(5) == 0 {
            plan.head.to_string()
        } else {
            plan.officer.to_string()
        }
    };
    let mut rows = Vec::new();
    let mut ordinal = 0;
    for m in 1..=12u32 {
        let Some(n) = plan.per_month[m as usize - 1] else {
            continue;
        };
        for d in spread_days(&mut rng, m, n as usize) {
            let levels: Vec<usize> = plan
                .adopt
                .iter()
                .find(|(k, _)| *k == ordinal)
                .map(|(_, lv)| lv.to_vec())
                .unwrap_or_default();
            rows.push(Row {
                month: m,
                ordinal: Some(ordinal),
                sort: (m, d.day(), rows.len()),
                date: date_cell(plan.dates, d),
                title: routine_title(&mut rng, plan, d, used),
                category: "常规信息".into(),
                task: String::new(),
                issue: issue_no(&levels, d),
                levels,
                author: author(&mut rng),
                reviewer: deputy.into(),
                officer_check: String::new(),
                remark: String::new(),
            });
            ordinal += 1;
        }
    }
    for s in specials.iter().filter(|s| s.section == plan.name) {
        let (y, m, d) = s.date;
        let day = date(y, m, d);
        rows.push(Row {
            month: if y == YEAR { m } else { 0 },
            ordinal: None,
            sort: (m, d, rows.len()),
            date: match s.date_text {
                Some(t) => DateCell::Text(t.into()),
                None => date_cell(plan.dates, day),
            },
            title: s.title.into(),
            category: s.category.into(),
            task: s.task.into(),
            levels: s.levels.to_vec(),
            issue: issue_no(s.levels, day),
            author: author(&mut rng),
            reviewer: match s.reviewer {
                Reviewer::Deputy => deputy.into(),
                Reviewer::Principal => PRINCIPAL.0.into(),
                Reviewer::Named(n) => n.into(),
                Reviewer::Nobody => String::new(),
            },
            officer_check: s.officer_check.into(),
            remark: s.remark.into(),
        });
    }
    rows.sort_by_key(|r| r.sort);
    rows
}

// ---- Cell formats: the template's own (see report/template/layout.rs, Styles) ----

/// What a data column holds, as in the template.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Wrap,
    Date,
    Choice,
    Number,
}

/// The templates' cell font (宋体 11).
fn font() -> Format {
    zwxx::report::body_font()
}

/// The format the template gave the data cells of a column of this kind, so a filled cell
/// looks (and is protected) like the blank one.
fn data_format(kind: Kind) -> Format {
    let base = font()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xA6_A6_A6))
        .set_unlocked();
    match kind {
        Kind::Text => base.set_num_format("@"),
        Kind::Wrap => base.set_num_format("@").set_text_wrap(),
        Kind::Date => base
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Center),
        Kind::Choice => base.set_num_format("@").set_align(FormatAlign::Center),
        Kind::Number => base.set_align(FormatAlign::Center),
    }
}

/// The format of a header-block value cell (text, or the centred number of 报送年份/月份).
fn header_format(number: bool) -> Format {
    let bordered = font()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x80_80_80));
    if number {
        bordered.set_align(FormatAlign::Center).set_unlocked()
    } else {
        bordered.set_num_format("@").set_unlocked()
    }
}

fn kind_of(label: &str, rules: &Rules) -> Kind {
    match label {
        l::C_SEQ | l::R_ITEM_TARGET | l::R_SCORE_TARGET | l::D_COUNT => Kind::Number,
        l::C_TITLE | l::C_REMARK | l::T_TOPIC | l::D_NOTE | l::A_TITLE => Kind::Wrap,
        l::C_DATE | l::T_ISSUED | l::T_DEADLINE | l::D_DATE | l::A_DATE => Kind::Date,
        l::C_CATEGORY
        | l::C_OFFICER
        | l::R_PARTICIPATES
        | l::L_ROLE
        | l::T_KIND
        | l::T_STATUS
        | l::D_CATEGORY
        | l::A_LEVEL => Kind::Choice,
        _ if rules.adoption.iter().any(|a| a.label == label) => Kind::Choice,
        _ => Kind::Text,
    }
}

/// A sheet being filled: its column labels, in template order.
struct Table<'a> {
    ws: &'a mut Worksheet,
    columns: Vec<String>,
    rules: &'a Rules,
}

impl Table<'_> {
    fn col(&self, label: &str) -> u16 {
        self.columns
            .iter()
            .position(|c| c == label)
            .unwrap_or_else(|| panic!("no column {label}")) as u16
    }

    fn text(&mut self, row: u32, label: &str, value: &str) -> Result<(), Box<dyn Error>> {
        if !value.is_empty() {
            let f = data_format(kind_of(label, self.rules));
            let c = self.col(label);
            self.ws.write_string_with_format(row, c, value, &f)?;
        }
        Ok(())
    }

    fn number(&mut self, row: u32, label: &str, value: f64) -> Result<(), Box<dyn Error>> {
        let f = data_format(kind_of(label, self.rules));
        let c = self.col(label);
        self.ws.write_number_with_format(row, c, value, &f)?;
        Ok(())
    }

    fn date(&mut self, row: u32, label: &str, d: NaiveDate) -> Result<(), Box<dyn Error>> {
        let f = data_format(kind_of(label, self.rules));
        let c = self.col(label);
        let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
        self.ws.write_datetime_with_format(row, c, &dt, &f)?;
        Ok(())
    }
}

/// The items table's columns as the template lays them out: the fixed ones, with the rules'
/// adoption levels after 约稿任务编号.
fn item_columns(rules: &Rules) -> Vec<String> {
    let mut out = Vec::new();
    for label in l::ITEM_FIXED_COLUMNS {
        out.push(label.to_string());
        if label == l::C_TASK {
            out.extend(rules.adoption.iter().map(|a| a.label.clone()));
        }
    }
    out
}

/// Header block of 报送信息: labels at even columns, values right of them.
fn header_col(label: &str) -> u16 {
    let block = [l::H_SECTION, l::H_YEAR, l::H_MONTH, l::H_FILLER, l::H_PHONE];
    let i = block
        .iter()
        .position(|b| *b == label)
        .expect("header label");
    (2 * i + 1) as u16
}

/// What one section file holds.
pub struct SectionFile {
    pub section: &'static str,
    pub year: i32,
    pub month: u32,
    pub filler: &'static str,
    pub phone: String,
    pub rows: Vec<Row>,
    /// Show adoption flags only of rows sent before this file's month (cumulative files).
    pub flags_after: bool,
    pub fills_no: bool,
}

impl SectionFile {
    /// Whether this file shows the row's adoption flags and 采用期号 (a cumulative file shows
    /// them from the month after the row was first sent).
    pub fn shows_adoption(&self, r: &Row) -> bool {
        !self.flags_after || r.month < self.month
    }
}

fn section_workbook(rules: &Rules, f: &SectionFile) -> Result<Vec<u8>, Box<dyn Error>> {
    let mut wb = section_template(rules, &l::DEFAULT_ROSTER, f.year)?;
    let ws = wb.worksheet_from_name(l::SHEET_ITEMS)?;
    let text = header_format(false);
    let number = header_format(true);
    ws.write_string_with_format(HEADER_BLOCK_ROW, header_col(l::H_SECTION), f.section, &text)?;
    ws.write_number_with_format(HEADER_BLOCK_ROW, header_col(l::H_YEAR), f.year, &number)?;
    ws.write_number_with_format(HEADER_BLOCK_ROW, header_col(l::H_MONTH), f.month, &number)?;
    if !f.filler.is_empty() {
        ws.write_string_with_format(HEADER_BLOCK_ROW, header_col(l::H_FILLER), f.filler, &text)?;
    }
    ws.write_string_with_format(HEADER_BLOCK_ROW, header_col(l::H_PHONE), &f.phone, &text)?;

    let mut t = Table {
        ws,
        columns: item_columns(rules),
        rules,
    };
    for (i, r) in f.rows.iter().enumerate() {
        let row = ITEMS_HEADER_ROW + 1 + i as u32;
        let adopted_known = f.shows_adoption(r);
        t.number(row, l::C_SEQ, (i + 1) as f64)?;
        t.text(row, l::C_TITLE, &r.title)?;
        match &r.date {
            DateCell::Real(d) => t.date(row, l::C_DATE, *d)?,
            DateCell::Text(s) => t.text(row, l::C_DATE, s)?,
        }
        t.text(row, l::C_CATEGORY, &r.category)?;
        t.text(row, l::C_TASK, &r.task)?;
        for (k, level) in rules.adoption.iter().enumerate() {
            let yes = adopted_known && r.levels.contains(&k);
            let value = match (yes, f.fills_no) {
                (true, _) => l::YES,
                (false, true) => l::NO,
                (false, false) => "",
            };
            t.text(row, &level.label, value)?;
        }
        if adopted_known {
            t.text(row, l::C_ISSUE, &r.issue)?;
        }
        t.text(row, l::C_AUTHOR, &r.author)?;
        t.text(row, l::C_REVIEWER, &r.reviewer)?;
        t.text(row, l::C_OFFICER, &r.officer_check)?;
        t.text(row, l::C_REMARK, &r.remark)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn register_workbook(rules: &Rules, record: &[Printed]) -> Result<Vec<u8>, Box<dyn Error>> {
    let mut wb = register_template(rules, &l::DEFAULT_ROSTER, YEAR)?;
    let first = REGISTER_HEADER_ROW + 1;

    let mut t = Table {
        ws: wb.worksheet_from_name(l::SHEET_ROSTER)?,
        columns: l::ROSTER_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rules,
    };
    for (i, plan) in PLANS.iter().enumerate() {
        let row = first + i as u32;
        // The template pre-fills 股室 in roster order; the officer fills in the rest.
        assert_eq!(plan.name, l::DEFAULT_ROSTER[i]);
        let (phone, email) = contact(i);
        t.text(row, l::R_HEAD, plan.head)?;
        t.text(row, l::R_OFFICER, plan.officer)?;
        t.text(row, l::R_PHONE, &phone)?;
        t.text(row, l::R_EMAIL, &email)?;
        if let Some((items, points)) = plan.targets {
            t.number(row, l::R_ITEM_TARGET, f64::from(items))?;
            t.number(row, l::R_SCORE_TARGET, f64::from(points))?;
        }
        t.text(row, l::R_PARTICIPATES, l::YES)?;
    }

    let mut t = Table {
        ws: wb.worksheet_from_name(l::SHEET_LEADERS)?,
        columns: l::LEADER_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rules,
    };
    let leaders = std::iter::once((PRINCIPAL, l::ROLE_PRINCIPAL))
        .chain(DEPUTIES.iter().map(|d| (*d, l::ROLE_DEPUTY)));
    for (i, ((name, title), role)) in leaders.enumerate() {
        let row = first + i as u32;
        t.text(row, l::L_NAME, name)?;
        t.text(row, l::L_TITLE, title)?;
        t.text(row, l::L_ROLE, role)?;
    }

    let mut t = Table {
        ws: wb.worksheet_from_name(l::SHEET_TASKS)?,
        columns: l::TASK_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rules,
    };
    for (i, (id, section, kind, topic, issued, due, status)) in TASKS.iter().enumerate() {
        let row = first + i as u32;
        t.text(row, l::T_ID, id)?;
        t.text(row, l::T_SECTION, section)?;
        t.text(row, l::T_KIND, kind)?;
        t.text(row, l::T_TOPIC, topic)?;
        t.date(row, l::T_ISSUED, date(YEAR, issued.0, issued.1))?;
        t.date(row, l::T_DEADLINE, date(YEAR, due.0, due.1))?;
        t.text(row, l::T_STATUS, status)?;
    }

    let mut t = Table {
        ws: wb.worksheet_from_name(l::SHEET_DEDUCTIONS)?,
        columns: l::DEDUCTION_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rules,
    };
    for (i, (section, (m, d), label, count, note)) in DEDUCTIONS.iter().enumerate() {
        let row = first + i as u32;
        t.text(row, l::D_SECTION, section)?;
        t.date(row, l::D_DATE, date(YEAR, *m, *d))?;
        t.text(row, l::D_CATEGORY, label)?;
        t.number(row, l::D_COUNT, f64::from(*count))?;
        t.text(row, l::D_NOTE, note)?;
    }

    let mut t = Table {
        ws: wb.worksheet_from_name(l::SHEET_RECORD)?,
        columns: l::RECORD_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rules,
    };
    for (i, p) in record.iter().enumerate() {
        let row = first + i as u32;
        t.text(row, l::A_LEVEL, &rules.adoption[p.level].label)?;
        t.text(row, l::A_ISSUE, &p.issue)?;
        t.text(row, l::A_TITLE, &p.title)?;
        t.text(row, l::A_SECTION, p.section)?;
        t.date(row, l::A_DATE, p.date)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The bytes Office leaves as `~$name` while a workbook is open: the owner's name, padded.
fn lock_file(owner: &str) -> Vec<u8> {
    let mut out = vec![owner.len().min(53) as u8];
    out.extend(owner.bytes().take(53));
    out.resize(54, b' ');
    let wide: Vec<u16> = owner.encode_utf16().collect();
    out.extend((wide.len() as u16).to_le_bytes());
    for u in wide {
        out.extend(u.to_le_bytes());
    }
    while out.len() < 162 {
        out.extend([b' ', 0]);
    }
    out.truncate(162);
    out
}

/// A one-paragraph Word document (skipped by zwxx as not a spreadsheet).
fn docx_note(text: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
                text.lines()
                    .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
                    .collect::<String>()
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::from_date_and_time(2019, 12, 20, 9, 0, 0)?);
    for (name, body) in parts {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Every row each section sends (and the wrong-year rows, `month` 0), in roster order.
/// Pure, like [`section_files`] and [`adoption_record`]: `tests/it/golden.rs` derives the
/// golden figures from them.
pub fn year_rows() -> Vec<Vec<Row>> {
    let specials = specials();
    let mut used: HashSet<String> = specials.iter().map(|s| s.title.to_string()).collect();
    PLANS
        .iter()
        .enumerate()
        .map(|(index, plan)| section_rows(index, plan, &specials, &mut used))
        .collect()
}

/// Every section workbook of the year (path under the year folder, content), in writing
/// order: each section's monthly or cumulative files, then last year's file if it has one.
pub fn section_files(year: &[Vec<Row>]) -> Vec<(PathBuf, SectionFile)> {
    let mut out = Vec::new();
    for (index, (plan, rows)) in PLANS.iter().zip(year).enumerate() {
        let (phone, _) = contact(index);
        let in_year: Vec<Row> = rows.iter().filter(|r| r.month > 0).cloned().collect();
        for m in 1..=12u32 {
            if plan.per_month[m as usize - 1].is_none() {
                continue;
            }
            let (rel, rows, flags_after) = match plan.sending {
                Sending::Monthly => (
                    PathBuf::from(format!("{}-{YEAR}-{m:02}.xlsx", plan.name)),
                    in_year.iter().filter(|r| r.month == m).cloned().collect(),
                    false,
                ),
                Sending::Cumulative => (
                    Path::new(plan.name).join(format!("{}-累计-{m:02}月.xlsx", plan.name)),
                    in_year.iter().filter(|r| r.month <= m).cloned().collect(),
                    true,
                ),
            };
            let file = SectionFile {
                section: plan.name,
                year: YEAR,
                month: m,
                filler: plan.officer,
                phone: phone.clone(),
                rows,
                flags_after,
                fills_no: plan.fills_no,
            };
            out.push((rel, file));
        }
        // Rows of another year: last year's December file, sent again by mistake.
        let old: Vec<Row> = rows.iter().filter(|r| r.month == 0).cloned().collect();
        if !old.is_empty() {
            let file = SectionFile {
                section: plan.name,
                year: YEAR - 1,
                month: 12,
                filler: plan.officer,
                phone,
                rows: old,
                flags_after: false,
                fills_no: plan.fills_no,
            };
            let rel = PathBuf::from(format!("{}-{}-12.xlsx", plan.name, YEAR - 1));
            out.push((rel, file));
        }
    }
    out
}

/// Write the sample year into `out` (created if needed). Returns the files written, relative
/// to `out`, in writing order. Stale LibreOffice conversions of [`CONVERTED`] are removed,
/// since they no longer match the freshly written `.xlsx`.
pub fn generate(out: &Path) -> Result<Vec<PathBuf>, Box<dyn Error>> {
    let rules = Rules::default_rules();
    let mut written = Vec::new();
    let mut put = |rel: PathBuf, bytes: &[u8]| -> Result<(), Box<dyn Error>> {
        let path = out.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
        written.push(rel);
        Ok(())
    };

    let year = year_rows();
    put(
        REGISTER_FILE.into(),
        &register_workbook(&rules, &adoption_record(&year))?,
    )?;
    for (rel, file) in section_files(&year) {
        put(rel, &section_workbook(&rules, &file)?)?;
    }

    put(
        PathBuf::from(format!("~$经济运行股-{YEAR}-05.xlsx")),
        &lock_file("linjiayi"),
    )?;
    put(
        PathBuf::from("政务信息报送工作提醒.docx"),
        &docx_note(
            "2019年政务信息报送工作提醒\n各股室请于每月末将本月政务信息报送表发送至信息员邮箱,没有信息的月份也请报送空表(零报告)。\n涉密信息不得通过电子邮件报送。",
        )?,
    )?;

    for (rel, ext) in CONVERTED {
        let stale = out.join(Path::new(rel).with_extension(ext));
        if stale.exists() {
            std::fs::remove_file(stale)?;
        }
    }
    Ok(written)
}

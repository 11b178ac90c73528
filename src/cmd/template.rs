//! `zwxx template`: write the two blank workbooks.

use crate::cli::TemplateArgs;
use crate::error::Error;

pub fn run(_args: &TemplateArgs) -> Result<i32, Error> {
    Err(Error::Usage("尚未实现".into()))
}

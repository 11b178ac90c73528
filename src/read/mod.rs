//! Files → raw rows. Discovery, guarded workbook reading, cell normalisation.

pub mod cell;

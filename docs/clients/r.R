# R reads DRI's API as CSV (docs/CLIENTS.md).
#
#   Rscript r.R [BASE_URL]        (default http://127.0.0.1:8080)
#
# Kenya's and Uganda's internet use, every year, as unit,year,value lines.
# readr reads the URL; every breakdown at its total (_T) is the country's
# own figure; per_page=10000 takes the whole selection in one page (else
# follow the Link header's next URL).
library(readr)
args <- commandArgs(trailingOnly = TRUE)
base <- if (length(args) > 0) args[[1]] else "http://127.0.0.1:8080"
url <- paste0(base, "/v1/data?indicator=itu.internet_use&unit=KEN,UGA",
              "&sex=_T&area=_T&age=_T&income=_T&education=_T&labour=_T&per_page=10000&format=csv")
d <- read_csv(url, show_col_types = FALSE)
d <- d[order(d$unit, d$year), c("unit", "year", "value")]
write.table(d, stdout(), sep = ",", row.names = FALSE, col.names = FALSE, quote = FALSE)

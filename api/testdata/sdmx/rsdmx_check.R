# Reads DRI's SDMX structures with rsdmx (the R SDMX client) and checks what
# it finds. Usage: Rscript rsdmx_check.R BASE (e.g. http://127.0.0.1:8080/v1/sdmx).
# Run by api/sdmx_test.go (TestSDMXWithRsdmx) against a test server.
suppressPackageStartupMessages(library(rsdmx))
base <- commandArgs(trailingOnly = TRUE)[1]
check <- function(ok, what) if (!isTRUE(ok)) stop(what, call. = FALSE)

for (flow in c("DF_OBSERVATIONS", "DF_SCORES")) {
  s <- readSDMX(paste0(base, "/dataflow/DRI/", flow, "/1.0?references=all"))
  check(is(s, "SDMXDataStructureDefinition"), paste(flow, ": not read as a structure message"))
  dsds <- slot(slot(s, "datastructures"), "datastructures")
  check(length(dsds) == 1, paste(flow, ": want one data structure"))
  comps <- as.data.frame(slot(dsds[[1]], "Components"))
  lists <- sapply(slot(slot(s, "codelists"), "codelists"), function(cl) slot(cl, "id"))
  # Every coded component's code list is in the message.
  coded <- comps$codelist[!is.na(comps$codelist)]
  check(all(coded %in% lists), paste(flow, ": code lists missing:", paste(setdiff(coded, lists), collapse = ",")))
  check("TIME_PERIOD" %in% comps$conceptRef && "OBS_VALUE" %in% comps$conceptRef, paste(flow, ": no TIME_PERIOD or OBS_VALUE"))
  concepts <- as.data.frame(slot(s, "concepts"), conceptSchemeId = "CS_DRI")
  check(all(comps$conceptRef %in% concepts$id), paste(flow, ": concepts missing"))
  cat(flow, ": ", nrow(comps), " components, code lists ", paste(lists, collapse = " "), "\n", sep = "")
}

s <- readSDMX(paste0(base, "/dataflow/DRI/DF_OBSERVATIONS/1.0"))
sex <- as.data.frame(slot(s, "codelists"), codelistId = "CL_SEX")
check(identical(sort(sex$id), sort(c("_T", "F", "M"))), "CL_SEX: want _T, F, M")
ind <- as.data.frame(slot(s, "codelists"), codelistId = "CL_INDICATOR")
check("itu_internet_use" %in% ind$id, "CL_INDICATOR: no itu_internet_use (itu.internet_use in SDMX spelling)")
cat("CL_SEX:", paste(sex$id, collapse = " "), "; CL_INDICATOR:", nrow(ind), "codes\n")

flows <- readSDMX(paste0(base, "/dataflow?references=none"))
ids <- as.data.frame(flows)$id
check(identical(sort(ids), c("DF_OBSERVATIONS", "DF_SCORES")), paste("dataflows:", paste(ids, collapse = ",")))
cat("dataflows:", paste(ids, collapse = " "), "\n")
cat("rsdmx: ok\n")

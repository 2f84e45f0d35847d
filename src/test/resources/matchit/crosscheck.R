# MatchIt on docs/examples/candidates.csv, for CandidatesMatchItIT: the same method as
# `npc evaluate --candidates` with the columns of docs/examples/candidates.yaml and the engine's
# defaults (a logistic propensity model; greedy nearest neighbour on its logit, largest first,
# 1:1 without replacement; caliper 0.2 SD of the logit; exact on sex).
# Usage: Rscript crosscheck.R CANDIDATES.csv OUTDIR
# Writes OUTDIR/coefficients.csv (term, value), OUTDIR/pairs.csv (treated, control) and
# OUTDIR/summary.csv (name, value).
suppressPackageStartupMessages(library(MatchIt))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
out <- args[2]
rownames(d) <- d$person_id
d$sex <- factor(d$sex)
f <- treated ~ age + imd_decile + efi + frail + admissions_pre + sex

# 1. The documented call. Its propensity model (glm) and caliper are compared with the engine's.
m <- matchit(f, data = d, method = "nearest", distance = "glm", link = "linear.logit",
             caliper = 0.2, std.caliper = TRUE, exact = ~sex,
             m.order = "largest", replace = FALSE, ratio = 1)
b <- coef(m$model)
write.csv(data.frame(term = names(b), value = unname(b)),
          file.path(out, "coefficients.csv"), row.names = FALSE)
pair_distance <- function(mm, logit) {
  ok <- !is.na(mm[, 1])
  abs(logit[rownames(mm)[ok]] - logit[mm[ok, 1]])
}
logit <- setNames(m$distance, rownames(d))
vector_distance <- pair_distance(m$match.matrix, logit)

# 2. The same matching through MatchIt's general matcher: MatchIt 4.5.1's path for a vector
# distance (nn_matchC_vec) ignores the caliper (MatchIt issue #163, versions 4.5.1 to 4.5.3) and
# its pairs are not the nearest available, so the pairs are compared with this call: the
# distances |logit_t - logit_c| as a matrix, the caliper in logit units, the treated visited
# largest logit first (m.order = "data" on rows sorted by logit, ties by id).
s <- d[order(-logit, rownames(d)), ]
t <- s$treated == 1
dm <- abs(outer(logit[rownames(s)[t]], logit[rownames(s)[!t]], "-"))
dimnames(dm) <- list(rownames(s)[t], rownames(s)[!t])
caliper <- 0.2 * sd(logit)
g <- matchit(f, data = s, method = "nearest", distance = dm, caliper = caliper,
             std.caliper = FALSE, exact = ~sex, m.order = "data", replace = FALSE, ratio = 1)
mm <- g$match.matrix
matched <- !is.na(mm[, 1])
write.csv(data.frame(treated = rownames(mm)[matched], control = mm[matched, 1]),
          file.path(out, "pairs.csv"), row.names = FALSE)

# The matched difference in emergency admissions per person-year: each group's events over its
# years, on the matched sample.
md <- match.data(g)
rate <- function(x) sum(x$admissions_post) / sum(x$follow_up_years)
write.csv(data.frame(
  name = c("caliper", "sd_logit", "matched_treated", "treated_rate", "control_rate",
           "matched_difference", "max_pair_distance", "vector_matched_treated",
           "vector_max_pair_distance"),
  value = c(unname(m$caliper), sd(logit), sum(matched), rate(md[md$treated == 1, ]),
            rate(md[md$treated == 0, ]),
            rate(md[md$treated == 1, ]) - rate(md[md$treated == 0, ]),
            max(pair_distance(mm, logit)), length(vector_distance), max(vector_distance))),
  file.path(out, "summary.csv"), row.names = FALSE)

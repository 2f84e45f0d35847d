package io.proactivecare.npc.cli;

import io.proactivecare.npc.schema.ContractsDoc;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code npc contracts}: prints the data contracts as Markdown (docs/data-contracts.md is this
 * output).
 */
@Command(
    name = "contracts",
    mixinStandardHelpOptions = true,
    description = "Print the canonical data contracts (columns, types, codes, rules) as Markdown.")
final class ContractsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ContractsDoc.markdown());
    spec.commandLine().getOut().flush();
    return 0;
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.Install;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code npc generate-completion}: picocli's bash/zsh completion script, registered for the
 * launcher as people type it ({@code bin/npc}, {@code ./bin/npc}, its absolute path) as well as for
 * {@code npc} on the PATH: zsh's bashcompinit does not fall back from a path to its last part.
 */
@Command(
    name = "generate-completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash/zsh completion script for npc and bin/npc.",
      "",
      "Run 'source <(bin/npc generate-completion)' to complete npc's commands and options"
          + " with TAB in the current shell, typed as npc, bin/npc, ./bin/npc or the launcher's"
          + " full path; add that line to ~/.bashrc to keep it."
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash("npc", spec.root().commandLine()));
    out.println();
    out.println("# The launcher, as typed from the installation folder or by its full path.");
    out.println(
        "complete -F _complete_npc -o default bin/npc ./bin/npc "
            + quoted(Install.home().resolve("bin/npc").toString()));
    out.flush();
    return 0;
  }

  /** A word for bash, in single quotes. */
  private static String quoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}

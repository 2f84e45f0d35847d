package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.config.Install;
import io.proactivecare.npc.testing.Npc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script of {@code bin/npc generate-completion}, sourced in a real bash, completes commands for
 * the launcher however it is typed (issue 15 item 21): bash looks the compspec up by the command
 * word, then the function it names completes from COMP_WORDS.
 */
class CompletionTest {
  @Test
  void completesTheLauncherAsTyped(@TempDir Path dir) throws Exception {
    Npc.Result script = Npc.raw("generate-completion");
    assertEquals(0, script.exitCode(), script.err());
    Path file = dir.resolve("npc-completion.bash");
    Files.writeString(file, script.out());
    String launcher = Install.home().resolve("bin/npc").toString();
    for (String command : List.of("npc", "bin/npc", "./bin/npc", launcher)) {
      assertEquals("run runs", complete(file, command, "ru"), command + " ru<TAB>");
    }
    assertEquals("list show", complete(file, "bin/npc", "runs", ""), "bin/npc runs <TAB>");
  }

  /**
   * What bash offers for the last word of COMMAND WORDS...: the function of the compspec registered
   * for COMMAND (none: an error), called as bash calls it.
   */
  private static String complete(Path script, String command, String... words) throws Exception {
    String bash =
        """
        source "$1"; shift
        spec="$(complete -p "$1")" || exit 3
        fn="$(sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p' <<<"$spec")"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        echo "${COMPREPLY[*]}"
        """;
    List<String> args = new java.util.ArrayList<>(List.of("bash", "-c", bash, "bash"));
    args.add(script.toString());
    args.add(command);
    args.addAll(List.of(words));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "bash for '" + command + "': " + out);
    return out;
  }
}

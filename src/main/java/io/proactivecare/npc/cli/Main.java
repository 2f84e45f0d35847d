package io.proactivecare.npc.cli;

/** Entry point of {@code npc}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.execute(args));
  }
}

import dev.harmont.cli.Cli;
import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Map;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the AsciiDoc man pages of {@code harmont} and of every subcommand ({@code harmont.adoc},
 * {@code harmont-serve.adoc}, {@code harmont-keys-create.adoc}, …) into the folder given as the
 * argument, with picocli's ManPageGenerator. Run by harmont-dist's build with the source launcher
 * (the build's class path: the CLI and picocli-codegen); Asciidoctor then turns them into roff.
 *
 * <p>The command tree comes from {@link Cli#create}, the one the program runs: its commands take
 * their context through a factory, which the generator's own command line cannot supply.
 */
public class ManPages {
  public static void main(String[] args) throws Exception {
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    CommandLine harmont = Cli.create(none, none, Map.of());
    int exit =
        ManPageGenerator.generateManPage(
            new File(args[0]), null, new boolean[0], true, harmont.getCommandSpec());
    System.exit(exit);
  }
}

package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every one-line error a user can see has an entry in docs/troubleshooting.md: the test reads the sources for the
 * constructors of the user-facing exceptions ({@link #USER_ERRORS}; {@code IllegalArgumentException} outside the
 * emulator and the permit wire, as the options and the read's checks throw it) and requires each fixed part of a
 * message (each string literal of 10 characters or more) to appear on the page. A new message without its entry
 * fails here. Messages that only guard arguments the code itself builds ({@link #INTERNAL}) and messages that wrap
 * another listed one ({@link #WRAPPERS}) are named below with the reason.
 */
class TroubleshootingTest {

  static final Path PAGE = Path.of("docs/troubleshooting.md");

  /** The exceptions whose message is the line a user reads (jobs print it; Spark shows it as the read's error). */
  static final String USER_ERRORS = "UsageException|LakeUsageException|LakeConflictException|ZentrunkApiException"
      + "|ZentrunkException|IllegalArgumentException";

  /**
   * Guards of values the code computes or has already checked under the option's own name, by the longest fixed
   * part of their message: no user input reaches them with a bad value.
   */
  static final Map<String, String> INTERNAL = Map.ofEntries(
      Map.entry("the trunk-limit threshold must be at least 1, not", "watch checks --limit-failures first"),
      Map.entry("the NER threshold must be in (0,1], not", "watch checks --ner-below first"),
      Map.entry("the NER least calls must be at least 1, not", "watch checks --ner-min-calls first"),
      Map.entry("the least baseline days held must be from 1 to the baseline's", "FraudRuleOptions checks it first"),
      Map.entry("grade of service must be in (0,1), got", "report checks --grade-of-service first"),
      Map.entry("channels must be >= 0, got", "Erlang B of limits parsed by TrunkSizing (>= 1)"),
      Map.entry("traffic must be a finite number of Erlangs >= 0, got", "traffic computed from CDRs"),
      Map.entry("carried traffic must be a finite number of Erlangs >= 0, got", "traffic computed from CDRs"),
      Map.entry("refusals must be >= 0, got", "counted from CDRs"),
      Map.entry("mean holding time must be a finite number of seconds >= 0, got", "computed from CDRs"),
      Map.entry("empty window", "ReadRequest never plans an empty request"),
      Map.entry("a single request may span at most 90 days", "ReadRequest splits windows first"),
      Map.entry("call_uuid must be letters, digits and '-', got '", "call_uuids come from the API's own listing"),
      Map.entry("no account's plan has a day to read", "AccountsIngest drops accounts with nothing to load first"),
      Map.entry("a run over several accounts is runAccounts'", "IngestJob's own dispatch"),
      Map.entry("lookbackDays", "ingest checks --lookback-days first"),
      Map.entry("no window", "LakeDays of a plan, never empty"),
      Map.entry("a plan without days reads nothing", "LakeDays of a plan, never empty"),
      Map.entry("bucket width must be positive", "the group dimensions' own constants"));

  /**
   * Files whose message (or one of them) has no fixed part of its own: it passes on a message listed elsewhere,
   * with a prefix naming the option, account or query.
   */
  static final Map<String, String> WRAPPERS = Map.ofEntries(
      Map.entry("PermitClient.java", "the driver's failure to hand out permits: an API error listed under its status"),
      Map.entry("JobCommand.java", "ApiTime's time and duration messages under the option's name"),
      Map.entry("ReportSizingOptions.java", "TrunkSizing's and Wangiri's messages"),
      Map.entry("WatchCommand.java", "the late_check_horizon option's message under --late-check-horizon"),
      Map.entry("QualityOptions.java", "Quality's --quality-threshold message and the value given"),
      Map.entry("AccountsIngest.java", "an ingest message for one account of several: 'account ID: ...'"),
      Map.entry("ParquetLake.java", "ParquetLakeState's messages about _zentrunk_state.json"),
      Map.entry("InsightsScan.java", "the max_requests refusal, built in InsightsScan.refusal (BUILT below)"),
      Map.entry("ReadOption.java", "ClientConfig.checkApiUrl's problem with api_url"),
      Map.entry("WindowReader.java", "an API error while reading a window: 'reading QUERY: ...'"));

  /** Messages built or printed outside an exception's constructor: the file that holds each fixed part. */
  static final List<Map.Entry<String, String>> BUILT = List.of(
      Map.entry("source/InsightsScan.java", " Insights requests (one per call: "),
      Map.entry("source/InsightsScan.java", " calls in the window after the API filters"),
      Map.entry("source/InsightsScan.java", ": narrow the window or the filters, set option '"),
      Map.entry("alerts/WatchBatch.java", "resolve of alert "),
      Map.entry("alerts/WatchBatch.java", " not delivered after "),
      Map.entry("alerts/WatchBatch.java", "); it is in the alert store"),
      Map.entry("client/ZentrunkClient.java", " - check auth_id and auth_token of account "),
      Map.entry("client/ZentrunkClient.java", " - check api_url and auth_id"));

  static final Path SOURCES = Path.of("src/main/java/io/zentrunk/spark");

  /** One constructor call: where, and the fixed parts (string literals, unescaped) of its arguments. */
  record Site(String file, int line, String type, String args, List<String> literals) {
    String key() {
      return literals.stream().map(String::strip).max(java.util.Comparator.comparingInt(String::length)).orElse("");
    }

    List<String> fixedParts() {
      return literals.stream().map(String::strip).filter(l -> l.length() >= 10).toList();
    }
  }

  @Test
  void everyUserFacingMessageHasAnEntry() throws IOException {
    String page = Files.readString(PAGE);
    List<Site> sites = sites();
    // a scan that finds few is broken (the options alone throw about 30 messages)
    assertThat(sites).hasSizeGreaterThan(150);
    assertThat(problems(sites, page)).as("messages of the code missing from " + PAGE).isEmpty();
  }

  @Test
  void theListsOfExceptionsDoNotRot() throws IOException {
    List<Site> sites = sites();
    Set<String> keys = new HashSet<>();
    Set<String> wrapperFiles = new HashSet<>();
    for (Site s : sites) {
      keys.add(s.key());
      if (s.fixedParts().isEmpty()) {
        wrapperFiles.add(s.file());
      }
    }
    assertThat(keys).as("INTERNAL entries still thrown").containsAll(INTERNAL.keySet());
    assertThat(wrapperFiles).as("WRAPPERS files that still wrap").containsAll(WRAPPERS.keySet());
    String page = Files.readString(PAGE);
    for (Map.Entry<String, String> built : BUILT) {
      assertThat(Files.readString(SOURCES.resolve(built.getKey()))).as(built.getKey()).contains(built.getValue());
      assertThat(page).as("%s on the page", built.getValue()).contains(built.getValue().strip());
    }
  }

  @Test
  void aNewMessageWithoutAnEntryFails() {
    String code = "class X { void f(String o) { if (o == null) throw new UsageException(\"--frobnicate must be \\\"on\\\""
        + " or off, not '\" + o + \"'\"); } }";
    List<Site> found = sitesIn("X.java", "jobs", code);
    assertThat(found).singleElement().extracting(Site::literals).asList()
        .containsExactly("--frobnicate must be \"on\" or off, not '", "'");
    assertThat(problems(found, "# Troubleshooting\n")).singleElement().asString()
        .contains("X.java:1").contains("--frobnicate must be \"on\" or off, not '");
    assertThat(problems(found, "- `--frobnicate must be \"on\" or off, not 'VALUE'`\n")).isEmpty();
    // a message with no fixed words of its own must be named as a wrapper
    assertThat(problems(sitesIn("Y.java", "jobs", "throw new UsageException(e.getMessage());"), ""))
        .singleElement().asString().contains("Y.java:1").contains("no fixed words");
  }

  static List<String> problems(List<Site> sites, String page) {
    List<String> problems = new ArrayList<>();
    for (Site s : sites) {
      if (INTERNAL.containsKey(s.key())) {
        continue;
      }
      List<String> parts = s.fixedParts();
      if (parts.isEmpty()) {
        if (!WRAPPERS.containsKey(s.file())) {
          problems.add(s.file() + ":" + s.line() + ": a message with no fixed words (" + s.args()
              + "): list it in WRAPPERS with what it passes on");
        }
        continue;
      }
      for (String part : parts) {
        if (!page.contains(part)) {
          problems.add(s.file() + ":" + s.line() + ": '" + part + "' (" + s.type() + ")");
        }
      }
    }
    return problems;
  }

  static List<Site> sites() throws IOException {
    List<Site> sites = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String pkg = SOURCES.relativize(f).getName(0).toString();
        if (pkg.equals("emulator")) {
          continue; // the emulator is a test double: its errors are the emulator job's option lines, not a user's account
        }
        sites.addAll(sitesIn(f.getFileName().toString(), pkg, Files.readString(f)));
      }
    }
    return sites;
  }

  private static final Pattern CONSTRUCTOR = Pattern.compile("new (" + USER_ERRORS + ")\\(");

  static List<Site> sitesIn(String file, String pkg, String code) {
    List<Site> sites = new ArrayList<>();
    Matcher m = CONSTRUCTOR.matcher(code);
    while (m.find()) {
      if (m.group(1).equals("IllegalArgumentException") && pkg.equals("budget")) {
        continue; // the permit wire's and budgets' guards of the values the code passes them
      }
      int end = argumentsEnd(code, m.end());
      String args = code.substring(m.end(), end);
      int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
      sites.add(new Site(file, line, m.group(1), args.replaceAll("\\s+", " ").strip(), literals(args)));
    }
    return sites;
  }

  /** The index of the ')' that closes the call whose arguments start at {@code from}. */
  private static int argumentsEnd(String code, int from) {
    int depth = 1;
    for (int i = from; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"') {
        i = literalEnd(code, i);
      } else if (c == '\'') {
        i = code.charAt(i + 1) == '\\' ? code.indexOf('\'', i + 3) : i + 2;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalStateException("unclosed call at " + from);
  }

  private static int literalEnd(String code, int open) {
    int i = open + 1;
    while (code.charAt(i) != '"') {
      i += code.charAt(i) == '\\' ? 2 : 1;
    }
    return i;
  }

  static List<String> literals(String args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      if (c == '\'') {
        i = args.charAt(i + 1) == '\\' ? args.indexOf('\'', i + 3) : i + 2;
      } else if (c == '"') {
        int end = literalEnd(args, i);
        out.add(unescape(args.substring(i + 1, end)));
        i = end;
      }
    }
    return out;
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}

package io.millrace.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --progress json}: every object on stderr is parsed by a real JSON parser and checked, field by field,
 * against the schema table of docs/command-line.md ("Progress as JSON") — each documented field present, in the
 * documented order and of the documented type, and no other — and its values against the run's own figures: the
 * epochs one after another, their records adding up to the input and their rows to the rows written, the watermark
 * growing, the commit's stages timed with a checkpoint and zero without, and one record in 64 timed, its
 * percentiles in order.
 */
class ProgressJsonTest
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final int EVENTS = 200_000;

    @TempDir
    Path dir;

    @Test
    void shouldPrintAnObjectPerCommittedEpochAsDocumented() throws IOException
    {
        final Map<String, String> schema = documentedSchema();
        assertTrue(schema.size() >= 15, "documented fields: " + schema);
        for (final boolean checkpoint : new boolean[] {true, false})
        {
            final Path output = dir.resolve(checkpoint ? "checkpointed" : "plain");
            final List<String> args = new ArrayList<>(List.of("windowed-count", "--generate", "" + EVENTS,
                "--window", "100ms", "--epoch-interval", "20ms", "--throttle", "1000000", "--progress", "json",
                "--output", output.toString()));
            if (checkpoint)
            {
                args.addAll(List.of("--checkpoint", dir.resolve("checkpoint").toString()));
            }
            final Cli.Run run = Cli.run(args.toArray(new String[0]));
            assertEquals(0, run.exitCode(), run::toString);

            final List<String> lines = run.err().lines().toList();
            final List<JsonNode> objects = new ArrayList<>();
            for (final String line : lines.subList(0, lines.size() - 1))
            {
                assertTrue(line.startsWith("{"), () -> "a line that is not a progress object: " + line);
                objects.add(parse(line));
            }
            assertTrue(lines.get(lines.size() - 1).startsWith("millrace windowed-count: done"), run::toString);
            assertTrue(objects.size() >= 5, "epochs reported: " + objects.size());

            long records = 0;
            long rowsOut = 0;
            long sampled = 0;
            for (int i = 0; i < objects.size(); i++)
            {
                final JsonNode progress = objects.get(i);
                final String where = (checkpoint ? "with" : "without") + " a checkpoint, object " + i + ": " + progress;
                matchSchema(progress, "", schema, where);
                assertEquals(i + 1, progress.get("epoch").asLong(), where);
                assertEquals("windowed-count", progress.get("query").asText(), where);
                assertTrue(progress.get("durationNanos").asLong() > 0 && progress.get("cutTime").asLong() > 0, where);
                final JsonNode stages = progress.get("stagesNanos");
                assertTrue(stages.get("marker").asLong() > 0, where);
                for (final String step : List.of("commitWait", "snapshotCopy", "commitWrite", "commitForce"))
                {
                    assertTrue(stages.get(step).asLong() >= 0, where);
                }
                assertEquals(checkpoint, stages.get("commitWrite").asLong() > 0, where);
                assertEquals(checkpoint, stages.get("snapshotCopy").asLong() > 0, where);
                final JsonNode service = progress.get("serviceTimeNanos");
                final long timed = service.get("count").asLong();
                assertTrue(timed <= progress.get("records").asLong(), where);
                assertEquals(timed > 0, service.get("p50").asLong() > 0, where);
                assertTrue(service.get("p50").asLong() <= service.get("p99").asLong() &&
                    service.get("p99").asLong() <= service.get("p999").asLong() &&
                    service.get("p999").asLong() <= service.get("max").asLong(), where);
                records += progress.get("records").asLong();
                rowsOut += progress.get("rowsOut").asLong();
                sampled += timed;
            }
            assertEquals(EVENTS / 64, sampled, "one record in 64 is timed");
            assertEquals(EVENTS, records, "records of every epoch");
            assertEquals(rowsWritten(output), rowsOut, "rows of every epoch");
            long watermark = Long.MIN_VALUE;
            for (final JsonNode progress : objects)
            {
                if (!progress.get("watermark").isNull())
                {
                    assertTrue(progress.get("watermark").asLong() >= watermark, "watermarks only grow: " + progress);
                    watermark = progress.get("watermark").asLong();
                }
            }
            assertTrue(watermark > Long.MIN_VALUE, "a watermark was reported");
        }
    }

    private static JsonNode parse(final String line)
    {
        try
        {
            return JSON.readTree(line);
        }
        catch (final JsonProcessingException ex)
        {
            throw new AssertionError("not JSON: " + line, ex);
        }
    }

    /**
     * Checks an object's fields against the documented ones under a prefix: the same names in the same order, each
     * of its type; objects are checked in turn.
     */
    private static void matchSchema(
        final JsonNode object, final String prefix, final Map<String, String> schema, final String where)
    {
        final List<String> documented = new ArrayList<>();
        for (final String field : schema.keySet())
        {
            if (field.startsWith(prefix) && !field.substring(prefix.length()).contains("."))
            {
                documented.add(field.substring(prefix.length()));
            }
        }
        final List<String> present = new ArrayList<>();
        for (final Iterator<String> names = object.fieldNames(); names.hasNext(); )
        {
            present.add(names.next());
        }
        assertEquals(documented, present, where + ": fields under '" + prefix + "'");
        for (final String field : documented)
        {
            final JsonNode value = object.get(field);
            final String type = schema.get(prefix + field);
            final boolean matches = switch (type)
            {
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "integer or null" -> value.isIntegralNumber() || value.isNull();
                case "object" -> value.isObject();
                default -> throw new AssertionError("undocumented type '" + type + "' of " + prefix + field);
            };
            assertTrue(matches, where + ": " + prefix + field + " is not " + type);
            if (value.isObject())
            {
                matchSchema(value, prefix + field + ".", schema, where);
            }
        }
    }

    /**
     * @return the fields of the schema table in docs/command-line.md, in order, with their types.
     */
    private static Map<String, String> documentedSchema() throws IOException
    {
        final Path doc = Path.of("..", "docs", "command-line.md");
        final String text = Files.readString(doc);
        final int start = text.indexOf("## Progress as JSON");
        assertTrue(start >= 0, "no 'Progress as JSON' section in " + doc.toAbsolutePath());
        final int end = text.indexOf("\n## ", start + 1);
        final Map<String, String> schema = new LinkedHashMap<>();
        for (final String line : text.substring(start, end).lines().toList())
        {
            if (line.startsWith("| `"))
            {
                final String[] cells = line.split("\\|");
                final String field = cells[1].trim().replace("`", "");
                assertFalse(schema.containsKey(field), "documented twice: " + field);
                schema.put(field, cells[2].trim());
            }
        }
        return schema;
    }

    private static long rowsWritten(final Path output) throws IOException
    {
        long rows = 0;
        try (java.util.stream.Stream<Path> files = Files.list(output))
        {
            for (final Path part : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList())
            {
                rows += Files.readAllLines(part).size();
            }
        }
        return rows;
    }
}

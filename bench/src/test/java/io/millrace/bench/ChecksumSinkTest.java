package io.millrace.bench;

import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChecksumSinkTest
{
    @Test
    void shouldHashTheSortedCsvLinesLikeSortAndSha256sum() throws Exception
    {
        final Schema schema = Schema.builder()
            .timestampColumn("window_start").timestampColumn("window_end").stringColumn("key", 32).longColumn("count")
            .build();
        final LongColumn start = schema.longColumn("window_start");
        final LongColumn end = schema.longColumn("window_end");
        final StringColumn key = schema.stringColumn("key");
        final LongColumn count = schema.longColumn("count");
        final ChecksumSink sink = new ChecksumSink();
        sink.open(schema);

        final RowWriter writer = new RowWriter(schema);
        final RowView view = new RowView();
        final List<String> expected = new ArrayList<>();
        final String[] keys = {"k10", "k1", "k2", "k1,0"};
        for (int i = 0; i < 200; i++)
        {
            final String k = keys[i % keys.length];
            writer.reset().putLong(start, 10_000L * (i % 7)).putLong(end, 10_000L * (i % 7) + 10_000)
                .putString(key, k).putLong(count, i);
            sink.onRow(writer.view(view), 1, i);
            final String csvKey = k.contains(",") ? "\"" + k + "\"" : k;
            expected.add(10_000L * (i % 7) + "," + (10_000L * (i % 7) + 10_000) + "," + csvKey + "," + i + "\n");
        }
        Collections.sort(expected);
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        expected.forEach(line -> digest.update(line.getBytes(StandardCharsets.US_ASCII)));

        assertEquals(200, sink.rows());
        assertEquals("0,10000,k10,0", sink.line(0));
        assertEquals(HexFormat.of().formatHex(digest.digest()), sink.sha256());
    }
}

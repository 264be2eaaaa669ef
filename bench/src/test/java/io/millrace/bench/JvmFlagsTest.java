package io.millrace.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class JvmFlagsTest
{
    @Test
    void shouldMatchTheRootPomFlags() throws IOException
    {
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm.args"))
        {
            assertNotNull(in, "jvm.args resource, filtered from the root pom's millrace.jvm.args");
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(List.of(text.split("\\s+")), JvmFlags.all());
        }
    }
}

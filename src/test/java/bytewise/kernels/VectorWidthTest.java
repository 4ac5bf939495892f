package bytewise.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each surefire execution's flags select the vector width and GEMM tile it says it tests (pom.xml):
 * a flag that stopped taking effect would leave a width untested with every test green.
 */
class VectorWidthTest {

    @Test
    void theExecutionsFlagsSelectItsWidthAndTile() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        int floats = args.contains("-Dbytewise.vector.bits=512") ? 16
                : args.contains("-XX:MaxVectorSize=16") ? 4
                : args.contains("-XX:UseAVX=2") ? 8
                : FloatVector.SPECIES_PREFERRED.length();
        assertEquals(floats, Vec.SPECIES.length(), "floats per vector with " + args);
        if (args.contains("-Dbytewise.gemm.rows=6")) assertEquals(6, Gemm.MR, "tile rows");
        if (args.contains("-Dbytewise.gemm.rows=4")) assertEquals(4, Gemm.MR, "tile rows");
        // 16-float vectors come with AVX-512's 32 registers, where the tile is six rows
        if (floats == 16 && args.stream().noneMatch(a -> a.startsWith("-Dbytewise.gemm.rows"))) assertEquals(6, Gemm.MR, "tile rows");
    }
}

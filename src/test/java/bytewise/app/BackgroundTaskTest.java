package bytewise.app;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.*;

/** The background-work helper, without the FX toolkit. */
class BackgroundTaskTest {
    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();

    @Test
    void runsTheWorkThenTheSuccessCallbacksInOrder() {
        List<String> seen = new ArrayList<>();
        BackgroundTask<Integer> t = BackgroundTask.wrap(() -> {
            seen.add("work");
            return 42;
        });
        t.onRunning(() -> seen.add("running " + t.runningProperty().get()))
                .onSuccess(v -> seen.add("success " + v + " " + t.runningProperty().get()))
                .onFailure(e -> seen.add("failure"))
                .onFinished(() -> seen.add("finished"))
                .executeWith(executor);
        assertEquals(List.of("running true", "work", "success 42 false", "finished"), seen);
    }

    @Test
    void aThrowingWorkGoesToOnFailureNotOnSuccess() {
        List<String> seen = new ArrayList<>();
        BackgroundTask.<String>wrap(() -> {
            throw new IllegalStateException("broken");
        }).onSuccess(v -> seen.add("success")).onFailure(e -> seen.add("failure " + e.getMessage()))
                .onCancelled(() -> seen.add("cancelled")).onFinished(() -> seen.add("finished")).executeWith(executor);
        assertEquals(List.of("failure broken", "finished"), seen);
    }

    @Test
    void cancellationIsAskedForAndTheWorkDecidesWhatItReturns() {
        List<String> seen = new ArrayList<>();
        // a work that stops early keeps its partial result
        BackgroundTask<Integer> partial = BackgroundTask.of(task -> {
            int done = 0;
            for (int i = 0; i < 10 && !task.isCancelled(); i++) {
                done++;
                if (i == 2) task.cancel();
            }
            return done;
        });
        partial.onSuccess(v -> seen.add("partial " + v)).executeWith(executor);
        assertTrue(partial.isCancelled());
        // a work that gives up with CancellationException reaches onCancelled, not onFailure
        BackgroundTask.<Integer>of(task -> {
            task.cancel();
            if (task.isCancelled()) throw new CancellationException();
            return 1;
        }).onSuccess(v -> seen.add("success")).onFailure(e -> seen.add("failure"))
                .onCancelled(() -> seen.add("cancelled")).executeWith(executor);
        assertEquals(List.of("partial 3", "cancelled"), seen);
    }

    @Test
    void progressMessagesAndUpdatesArriveInOrderBeforeSuccess() {
        List<Object> seen = new ArrayList<>();
        BackgroundTask<String> t = BackgroundTask.of(task -> {
            for (int i = 1; i <= 4; i++) {
                task.publish(i);
                task.updateProgress(i / 4.0);
            }
            task.updateMessage("almost");
            return "done";
        });
        t.<Integer>onUpdates(seen::addAll).withProgress(p -> seen.add("p" + p)).onSuccess(seen::add).executeWith(executor);
        assertEquals(List.of(1, "p0.25", 2, "p0.5", 3, "p0.75", 4, "p1.0", "done"), seen);
        assertEquals(1.0, t.progressProperty().get());
        assertEquals("almost", t.messageProperty().get());
    }

    /** Runs everything at once like the test executor, but notes the delays deliveries asked for. */
    private static final class DelayRecorder extends CurrentThreadTaskExecutor {
        final List<Double> delays = new ArrayList<>();

        @Override
        public void runOnFx(double seconds, Runnable action) {
            delays.add(seconds);
            action.run();
        }
    }

    @Test
    void deliveriesAreSpacedByTheRequestedRate() {
        DelayRecorder ex = new DelayRecorder();
        List<List<Integer>> batches = new ArrayList<>();
        BackgroundTask.<Void>of(task -> {
            task.publish(1);
            task.publish(2);
            return null;
        }).deliverAtMost(2).<Integer>onUpdates(batches::add).executeWith(ex);
        assertEquals(2, ex.delays.size());
        assertEquals(0.0, ex.delays.get(0), "the first delivery is at once");
        assertTrue(ex.delays.get(1) > 0.4 && ex.delays.get(1) <= 0.5, "then half a second apart: " + ex.delays);
        assertEquals(List.of(List.of(1), List.of(2)), batches);
    }
}

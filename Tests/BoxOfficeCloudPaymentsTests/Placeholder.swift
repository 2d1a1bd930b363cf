enum TestsPlaceholder {}

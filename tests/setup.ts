// Mocha root hooks shared by every test file.
process.env.SILENCE = 'true'; // the SDK's "slower than 3s" warnings are noise on a loaded CI machine

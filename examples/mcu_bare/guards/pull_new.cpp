// Must not link: uses the global operator new (with -fno-exceptions too). tests/constrained expects
// "undefined reference to `__wrap__Znwj'".
int main() {
  int* volatile p = new int(42);
  return *p == 42 ? 0 : 1;
}

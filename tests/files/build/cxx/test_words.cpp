// A C++ test that needs the standard library: containers, strings,
// algorithms and streams, speaking TAP.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

int
main()
{
	std::istringstream in("the quick brown fox jumps over the lazy dog");
	std::vector<std::string> words;
	std::map<std::string, int> count;
	std::string w;

	while (in >> w) {
		words.push_back(w);
		count[w]++;
	}
	std::sort(words.begin(), words.end());
	std::cout << "1..3\n";
	std::cout << (words.size() == 9 ? "ok" : "not ok") << " 1 - nine words\n";
	std::cout << (words.front() == "brown" ? "ok" : "not ok")
	    << " 2 - brown sorts first\n";
	std::cout << (count["the"] == 2 ? "ok" : "not ok")
	    << " 3 - the twice\n";
	return 0;
}

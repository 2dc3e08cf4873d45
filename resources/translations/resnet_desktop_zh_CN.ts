<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EmptyState</name>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="70"/>
        <source>Drop photos here</source>
        <translation>把照片拖到这里</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="79"/>
        <source>Drag photos or folders onto this window. Every photo is tagged on this computer; nothing is uploaded.</source>
        <translation>将照片或文件夹拖到此窗口。所有照片都在本机上打标签，不会上传任何内容。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="89"/>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="91"/>
        <source>Add Photos…</source>
        <translation>添加照片…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="252"/>
        <source>Main</source>
        <extracomment>The grid shows a new query result (tests wait on it). The classifier loaded in the worker (a notice string, maybe empty).</extracomment>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="257"/>
        <source>Search labels, e.g. cat, car, beach</source>
        <translation>搜索标签，例如：猫、汽车、海滩</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="263"/>
        <source> Sort: </source>
        <translation> 排序：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="266"/>
        <source>Date taken</source>
        <translation>拍摄日期</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="267"/>
        <source>Date added</source>
        <translation>添加日期</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="268"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="269"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="278"/>
        <source>Size </source>
        <translation>大小 </translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="302"/>
        <source>No photos match.</source>
        <translation>没有符合条件的照片。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="324"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="325"/>
        <source>Add &amp;Photos…</source>
        <translation>添加照片(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="329"/>
        <source>Add &amp;Folder…</source>
        <translation>添加文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="333"/>
        <source>&amp;Re-tag Library</source>
        <translation>重新标记图库(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="336"/>
        <source>Check every photo again: changed photos and photos tagged by another model are re-tagged</source>
        <translation>重新检查每张照片：已更改的照片和由其他模型标记的照片将被重新标记</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="342"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="347"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="352"/>
        <source>&amp;Albums</source>
        <translation>相册(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="353"/>
        <source>New &amp;Smart Album…</source>
        <translation>新建智能相册(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="356"/>
        <source>New &amp;Album…</source>
        <translation>新建相册(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="360"/>
        <source>&amp;Photo</source>
        <translation>照片(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="361"/>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="364"/>
        <source>&amp;Remove from Library…</source>
        <translation>从图库中移除(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="431"/>
        <source>Could not open the library: %1</source>
        <translation>无法打开图库：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="474"/>
        <source>Tagged %1 photos</source>
        <translation>已为 %1 张照片打标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="476"/>
        <source>Stopped; %1 photos tagged, the rest resume next time</source>
        <translation>已停止；已为 %1 张照片打标签，其余的将在下次继续</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="480"/>
        <source>%1 could not be read (see Failed)</source>
        <translation>%1 张无法读取（见“失败”）</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="489"/>
        <source>Tagging stopped: %1</source>
        <translation>打标签已停止：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="577"/>
        <source>Could not read the library: %1</source>
        <translation>无法读取图库：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="624"/>
        <source>Remove from Library</source>
        <translation>从图库中移除</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="625"/>
        <source>Remove %1 photo(s) from the library? The files stay on disk.</source>
        <translation>要从图库中移除 %1 张照片吗？文件仍保留在磁盘上。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="647"/>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="656"/>
        <source>New Album</source>
        <translation>新建相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="656"/>
        <source>Album name:</source>
        <translation>相册名称：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="701"/>
        <source>Delete Album</source>
        <translation>删除相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="702"/>
        <source>Delete the album “%1”? Its photos stay in the library.</source>
        <translation>要删除相册“%1”吗？其中的照片仍保留在图库中。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="715"/>
        <source>Add Photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="715"/>
        <source>Photos (%1)</source>
        <translation>照片 (%1)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="720"/>
        <source>Add Folder</source>
        <translation>添加文件夹</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="741"/>
        <source>New model weights are ready. File &gt; Re-tag Library tags your photos with them.</source>
        <translation>新的模型权重已就绪。使用“文件 &gt; 重新标记图库”用它们标记您的照片。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="750"/>
        <source>The new library file is used after tagging finishes.</source>
        <translation>打标签完成后将使用新的图库文件。</translation>
    </message>
</context>
<context>
    <name>PhotoDelegate</name>
    <message>
        <location filename="../../resnet_desktop/gui/delegate.py" line="73"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/delegate.py" line="85"/>
        <source>Tagging…</source>
        <translation>正在打标签…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/delegate.py" line="123"/>
        <source>No confident label</source>
        <translation>没有可信的标签</translation>
    </message>
</context>
<context>
    <name>PhotoListModel</name>
    <message>
        <location filename="../../resnet_desktop/gui/photo_model.py" line="289"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/photo_model.py" line="292"/>
        <source>Waiting to be tagged</source>
        <translation>等待打标签</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="110"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="118"/>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="129"/>
        <location filename="../../resnet_desktop/gui/viewer.py" line="130"/>
        <location filename="../../resnet_desktop/gui/viewer.py" line="131"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="133"/>
        <source>Taken:</source>
        <translation>拍摄时间：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="134"/>
        <source>Camera:</source>
        <translation>相机：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="135"/>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="140"/>
        <source>Failed:</source>
        <translation>失败：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="147"/>
        <source>Show in Folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="151"/>
        <source>Tags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="159"/>
        <source>Add a tag…</source>
        <translation>添加标记…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="161"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="168"/>
        <source>Remove from Library…</source>
        <translation>从图库中移除…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="194"/>
        <source>This photo cannot be shown.</source>
        <translation>无法显示这张照片。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="206"/>
        <source>Not tagged yet</source>
        <translation>尚未打标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="216"/>
        <source>Tagged by %1</source>
        <translation>由 %1 打标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/viewer.py" line="220"/>
        <source>  (yours)</source>
        <translation>  （您添加的）</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="143"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="150"/>
        <source>Preparing…</source>
        <translation>正在准备…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="159"/>
        <source>Tagging %1 of %2</source>
        <translation>正在打标签 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="161"/>
        <source>%1 photos/s</source>
        <translation>每秒 %1 张</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="163"/>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="167"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="175"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="177"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/main_window.py" line="179"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="35"/>
        <source>Smart Album</source>
        <translation>智能相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="40"/>
        <source>e.g. Cats of 2024</source>
        <translation>例如：2024 年的猫</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="41"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="44"/>
        <source>any of these labels</source>
        <translation>任一标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="45"/>
        <source>all of these labels</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="50"/>
        <source>tabby, Egyptian cat, Persian cat</source>
        <translation>tabby, Egyptian cat, Persian cat</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="55"/>
        <source>Photos with:</source>
        <translation>照片包含：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="56"/>
        <source>Labels:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="63"/>
        <source>Minimum confidence:</source>
        <translation>最低置信度：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="65"/>
        <source>Taken between</source>
        <translation>拍摄日期介于</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="87"/>
        <source>any folder</source>
        <translation>任意文件夹</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="88"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="93"/>
        <source>In folder:</source>
        <translation>所在文件夹：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/rule_editor.py" line="109"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="54"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="58"/>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="61"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="66"/>
        <source>Library file:</source>
        <translation>图库文件：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="69"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="72"/>
        <source>Automatic (ResNet-18 when its weights are present)</source>
        <translation>自动（有权重文件时使用 ResNet-18）</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="74"/>
        <source>EfficientNet-Lite0 (offline fallback)</source>
        <translation>EfficientNet-Lite0（离线备用）</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="77"/>
        <source>Model in use:</source>
        <translation>使用的模型：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="78"/>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="148"/>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="83"/>
        <source>ResNet-18 weights:</source>
        <translation>ResNet-18 权重：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="85"/>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="87"/>
        <source>Import File…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="89"/>
        <source>Cancel Download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="109"/>
        <source>Tagging</source>
        <translation>打标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="116"/>
        <source>Labels below this confidence are not shown on tiles.</source>
        <translation>置信度低于此值的标签不会显示在缩略图上。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="117"/>
        <source>Show labels from:</source>
        <translation>显示标签的最低置信度：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="121"/>
        <source>Decoding threads:</source>
        <translation>解码线程数：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="135"/>
        <source>Use the faster INT8 model</source>
        <translation>使用更快的 INT8 模型</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="138"/>
        <source>Make INT8 Model…</source>
        <translation>生成 INT8 模型…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="140"/>
        <source>Made from up to 64 photos of your library; half of them check how often it agrees</source>
        <translation>用图库中最多 64 张照片生成；其中一半用于检验它与普通模型的一致程度</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="147"/>
        <source>Speed:</source>
        <translation>速度：</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="168"/>
        <source>Calibrating on your photos and comparing with the normal model…</source>
        <translation>正在用您的照片校准并与普通模型比较…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="180"/>
        <source>Not made yet. It is made from your own photos, with a measure of how often it agrees.</source>
        <translation>尚未生成。它由您自己的照片生成，并会测量与普通模型的一致程度。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="186"/>
        <source>On %1 of your photos it gives the normal model&apos;s top label %2% of the time; %3x faster.</source>
        <translation>在您的 %1 张照片上，它与普通模型的首选标签一致的比例为 %2%；速度快 %3 倍。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="207"/>
        <source>Installed: %1</source>
        <translation>已安装：%1</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="210"/>
        <source>Not included in this build. Tagging uses EfficientNet-Lite0.</source>
        <translation>此版本未包含。将使用 EfficientNet-Lite0 进行标记。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="215"/>
        <source>Not installed: %1 Tagging uses EfficientNet-Lite0 until you download or import them.</source>
        <translation>未安装：%1 在您下载或导入之前，将使用 EfficientNet-Lite0 打标签。</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="231"/>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="263"/>
        <source>Import ResNet-18 weights</source>
        <translation>导入 ResNet-18 权重</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="263"/>
        <source>PyTorch weights (*.pth *.pt)</source>
        <translation>PyTorch 权重 (*.pth *.pt)</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="271"/>
        <source>Checking the file…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="283"/>
        <source>Library file</source>
        <translation>图库文件</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/settings_dialog.py" line="285"/>
        <source>Library (*.sqlite3 *.db)</source>
        <translation>图库 (*.sqlite3 *.db)</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="76"/>
        <source>Library</source>
        <translation>图库</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="78"/>
        <source>All Photos</source>
        <translation>所有照片</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="79"/>
        <source>Recently Added</source>
        <translation>最近添加</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="80"/>
        <source>Untagged</source>
        <translation>未打标签</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="81"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="85"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="90"/>
        <source>Automatic Albums</source>
        <translation>自动相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="102"/>
        <source>Smart Albums</source>
        <translation>智能相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="110"/>
        <source>Albums</source>
        <translation>相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="193"/>
        <source>Edit Smart Album…</source>
        <translation>编辑智能相册…</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="197"/>
        <source>Delete Album</source>
        <translation>删除相册</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="209"/>
        <source>Animals</source>
        <translation>动物</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="210"/>
        <source>Dogs</source>
        <translation>狗</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="211"/>
        <source>Cats</source>
        <translation>猫</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="212"/>
        <source>Birds</source>
        <translation>鸟类</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="213"/>
        <source>Fish</source>
        <translation>鱼类</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="214"/>
        <source>Reptiles &amp; amphibians</source>
        <translation>爬行与两栖动物</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="215"/>
        <source>Insects &amp; spiders</source>
        <translation>昆虫与蜘蛛</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="216"/>
        <source>Food</source>
        <translation>食物</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="217"/>
        <source>Fruit &amp; vegetables</source>
        <translation>水果与蔬菜</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="218"/>
        <source>Drinks</source>
        <translation>饮品</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="219"/>
        <source>Vehicles</source>
        <translation>交通工具</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="220"/>
        <source>Cars &amp; trucks</source>
        <translation>汽车与卡车</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="221"/>
        <source>Boats</source>
        <translation>船只</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="222"/>
        <source>Aircraft</source>
        <translation>飞行器</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="223"/>
        <source>Buildings &amp; structures</source>
        <translation>建筑与构筑物</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="224"/>
        <source>Landscapes &amp; nature</source>
        <translation>风景与自然</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="225"/>
        <source>Plants &amp; flowers</source>
        <translation>植物与花卉</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="226"/>
        <source>Mushrooms</source>
        <translation>蘑菇</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="227"/>
        <source>Furniture</source>
        <translation>家具</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="228"/>
        <source>Clothing</source>
        <translation>服饰</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="229"/>
        <source>Musical instruments</source>
        <translation>乐器</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="230"/>
        <source>Electronics &amp; devices</source>
        <translation>电子设备</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="231"/>
        <source>Household appliances</source>
        <translation>家用电器</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="232"/>
        <source>Sports</source>
        <translation>运动</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="233"/>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../../resnet_desktop/gui/sidebar.py" line="234"/>
        <source>People</source>
        <translation>人物</translation>
    </message>
</context>
</TS>
